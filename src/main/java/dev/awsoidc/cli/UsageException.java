package dev.awsoidc.cli;

/** The command line is wrong: exit code 2, the message on stderr naming the option and the fix. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
