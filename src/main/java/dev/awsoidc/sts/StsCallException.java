package dev.awsoidc.sts;

import java.util.Optional;

/**
 * A failed STS call, with what diagnosis needs: STS's error code and message and the request id when STS
 * answered, or the transport problem when it did not. Never carries a token or a credential.
 */
public final class StsCallException extends Exception {
  private final String errorCode;
  private final int httpStatus;
  private final String requestId;
  private final String endpoint;
  private final boolean timedOut;

  public StsCallException(String errorCode, String message, int httpStatus, String requestId, String endpoint,
      boolean timedOut, Throwable cause) {
    super(message, cause);
    this.timedOut = timedOut;
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
    this.requestId = requestId;
    this.endpoint = endpoint;
  }

  /** STS's code, such as {@code AccessDenied}; empty when no answer came (connection refused, timeout). */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** 0 when no HTTP answer came. */
  public int httpStatus() {
    return httpStatus;
  }

  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The endpoint called, or a description of the default one. */
  public String endpoint() {
    return endpoint;
  }

  /** The call's time budget ran out (retries included) before STS gave a final answer. */
  public boolean timedOut() {
    return timedOut;
  }

  public boolean answered() {
    return httpStatus > 0;
  }
}
