package dev.awsoidc.token;

/**
 * The token endpoint did not give us a token. {@code httpStatus} is 0 when no HTTP answer came at all.
 * Never carries the request token or the ID token.
 */
public final class TokenRequestException extends Exception {
  private final int httpStatus;
  private final int attempts;
  private final String endpoint;

  public TokenRequestException(String message, int httpStatus, int attempts, String endpoint, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.attempts = attempts;
    this.endpoint = endpoint;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int attempts() {
    return attempts;
  }

  /** The endpoint without its query string. */
  public String endpoint() {
    return endpoint;
  }
}
