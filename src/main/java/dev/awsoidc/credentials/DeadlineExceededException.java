package dev.awsoidc.credentials;

import java.time.Duration;

/** The overall time limit, {@code action-timeout-s}, ran out. */
public final class DeadlineExceededException extends Exception {
  private final Duration timeout;
  private final String stage;

  public DeadlineExceededException(Duration timeout, String stage) {
    super("timed out after " + timeout.toSeconds() + " s while " + stage);
    this.timeout = timeout;
    this.stage = stage;
  }

  public Duration timeout() {
    return timeout;
  }

  public String stage() {
    return stage;
  }
}
