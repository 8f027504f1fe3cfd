package dev.awsoidc.credentials;

/** A signed path found no credentials to sign with. The message says where it looked and what to do. */
public final class NoSourceCredentialsException extends Exception {
  private final String fix;

  public NoSourceCredentialsException(String message, String fix, Throwable cause) {
    super(message, cause);
    this.fix = fix;
  }

  public String fix() {
    return fix;
  }
}
