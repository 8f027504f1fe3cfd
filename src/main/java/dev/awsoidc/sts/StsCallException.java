package dev.awsoidc.sts;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A failed STS call, with what diagnosis needs: STS's error code and message and the request id when STS
 * answered, or the transport problem when it did not. Never carries a token or a credential.
 */
public final class StsCallException extends Exception {
  /** The SDK's words for an answer it could not read: "Unable to unmarshall response (...). Response Code: 200". */
  private static final Pattern UNREADABLE = Pattern.compile("^Unable to unmarshall response.*Response Code: (\\d{3})",
      Pattern.DOTALL);
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

  /**
   * Attempts made, retries included: the SDK's count (1 if it did not say), plus those of earlier rounds
   * ({@link StsClients#call}).
   */
  public int attempts() {
    return earlierAttempts + (getCause() instanceof SdkException sdk && sdk.numAttempts() != null
        ? sdk.numAttempts() : 1);
  }

  /** Attempts made in earlier rounds of the same call, before this one's. */
  void earlierAttempts(int attempts) {
    earlierAttempts = attempts;
  }

  private int earlierAttempts;

  /**
   * The TLS handshake failed on the server's certificate (untrusted, expired, for another host). Such a call is
   * never retried ({@link StsClients}), and the original exception is kept as a suppressed one.
   */
  public boolean certificateRejected() {
    return getCause() != null && isCertificateProblem(getCause());
  }

  static boolean isCertificateProblem(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) return true;
      for (Throwable suppressed : t.getSuppressed()) {
        if (isCertificateProblem(suppressed)) return true;
      }
    }
    return false;
  }

  /** STS answered 200 without a part every answer has (Credentials, AssumedRoleUser, Account). */
  static StsCallException incomplete(String operation, String missing, AwsResponse response, String endpoint) {
    String requestId = response.responseMetadata() == null ? null : response.responseMetadata().requestId();
    return new StsCallException(operation, null, "the answer has no " + missing, response.sdkHttpResponse()
        .statusCode(), "UNKNOWN".equals(requestId) ? null : requestId, endpoint, false, null);
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
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = Optional.ofNullable(root.getMessage()).orElse(root.getClass().getSimpleName());
    // an answer came but is not STS's XML (a proxy's page, a broken document); a cut-off body is an IOException
    Matcher unreadable = UNREADABLE.matcher(Optional.ofNullable(failure.getMessage()).orElse(""));
    if (failure instanceof SdkClientException && unreadable.find() && !causedBy(failure, IOException.class)) {
      return new StsCallException(operation, null, "the answer is not a readable " + operation + " response ("
          + message.replace('\n', ' ') + ")", Integer.parseInt(unreadable.group(1)), null, endpoint, false, failure);
    }
    if (unreadable.find(0)) {
      return new StsCallException(operation, null, "the connection closed before the end of STS's answer ("
          + message + ")", 0, null, endpoint, false, failure);
    }
    // no answer from STS: connection refused, DNS, timeout, TLS
    return new StsCallException(operation, null, failure.getMessage() + " (" + message + ")", 0, null, endpoint,
        false, failure);
  }

  static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }
}
