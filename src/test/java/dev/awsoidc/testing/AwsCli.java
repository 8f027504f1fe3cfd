package dev.awsoidc.testing;

/** The real AWS CLI, the client that proves exported credentials work; tests that need it skip without it. */
public final class AwsCli {
  private AwsCli() {}

  public static boolean present() {
    try {
      return new ProcessBuilder("aws", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
