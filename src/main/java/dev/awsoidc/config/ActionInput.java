package dev.awsoidc.config;

import java.util.Optional;

/**
 * Every input the action reads, with the default that {@code action.yml} declares. The defaults are applied in
 * code too, because outside the runner nobody applies them; a test holds this list and {@code action.yml} equal.
 * Names and defaults follow aws-actions/configure-aws-credentials, so we are a drop-in replacement.
 */
public enum ActionInput {
  ROLE_TO_ASSUME("role-to-assume", null),
  AWS_REGION("aws-region", null),
  AUDIENCE("audience", "sts.amazonaws.com"),
  ROLE_SESSION_NAME("role-session-name", "GitHubActions"),
  ROLE_DURATION_SECONDS("role-duration-seconds", "3600"),
  INLINE_SESSION_POLICY("inline-session-policy", null),
  MANAGED_SESSION_POLICIES("managed-session-policies", null),
  OUTPUT_CREDENTIALS("output-credentials", "false"),
  OUTPUT_ENV_CREDENTIALS("output-env-credentials", "true"),
  MASK_AWS_ACCOUNT_ID("mask-aws-account-id", "false"),
  STS_ENDPOINT("sts-endpoint", null),
  HTTP_PROXY("http-proxy", null),
  NO_PROXY("no-proxy", null),
  RETRY_MAX_ATTEMPTS("retry-max-attempts", "5"),
  ACTION_TIMEOUT_S("action-timeout-s", "120");

  private final String inputName;
  private final String defaultValue;

  ActionInput(String inputName, String defaultValue) {
    this.inputName = inputName;
    this.defaultValue = defaultValue;
  }

  /** The name users write under {@code with:}. */
  public String inputName() {
    return inputName;
  }

  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  @Override
  public String toString() {
    return inputName;
  }
}
