package dev.awsoidc.export;

/** The credentials could not be handed to later steps. */
public final class ExportException extends Exception {
  private final String fix;

  public ExportException(String message, String fix, Throwable cause) {
    super(message, cause);
    this.fix = fix;
  }

  public String fix() {
    return fix;
  }
}
