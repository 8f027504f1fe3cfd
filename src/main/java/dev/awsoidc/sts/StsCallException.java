package dev.awsoidc.sts;

import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

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
  private final String operation;

  public StsCallException(String operation, String errorCode, String message, int httpStatus, String requestId,
      String endpoint, boolean timedOut, Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.timedOut = timedOut;
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
    this.requestId = requestId;
    this.endpoint = endpoint;
  }

  /** The STS action that failed: AssumeRoleWithWebIdentity, AssumeRole or GetCallerIdentity. */
  public String operation() {
    return operation;
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

  /** The SDK's failure as what diagnosis needs: STS's own code, message and request id, verbatim. */
  static StsCallException from(SdkException failure, String operation, String endpoint) {
    if (failure instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String message = details == null || details.errorMessage() == null ? service.getMessage()
          : details.errorMessage();
      return new StsCallException(operation, code, message, service.statusCode(), service.requestId(), endpoint,
          false, failure);
    }
    if (failure instanceof ApiCallTimeoutException) {
      return new StsCallException(operation, null, "no final answer within the time allowed", 0, null, endpoint,
          true, failure);
    }
    // no answer from STS: connection refused, DNS, timeout, TLS
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = Optional.ofNullable(root.getMessage()).orElse(root.getClass().getSimpleName());
    return new StsCallException(operation, null, failure.getMessage() + " (" + message + ")", 0, null, endpoint,
        false, failure);
  }
}
