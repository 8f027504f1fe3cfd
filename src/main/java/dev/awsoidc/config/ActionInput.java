package dev.awsoidc.config;

import java.util.Optional;

/**
 * Every input the action reads (all 32 of aws-actions/configure-aws-credentials, same names), with the default
 * that {@code action.yml} declares. The defaults are applied in code too, because outside the runner nobody
 * applies them; a test holds this list and {@code action.yml} equal.
 *
 * <p>{@code plainVariable}: the environment variable the reference action reads when the input is empty
 * ({@code ROLE_TO_ASSUME=…} in a job's {@code env:}), so workflows that set those keep working.
 */
public enum ActionInput {
  AWS_REGION("aws-region", null, "AWS_REGION"),
  ROLE_TO_ASSUME("role-to-assume", null, "ROLE_TO_ASSUME"),
  AWS_ACCESS_KEY_ID("aws-access-key-id", null, null),
  AWS_SECRET_ACCESS_KEY("aws-secret-access-key", null, null),
  AWS_SESSION_TOKEN("aws-session-token", null, null),
  WEB_IDENTITY_TOKEN_FILE("web-identity-token-file", null, "WEB_IDENTITY_TOKEN_FILE"),
  ROLE_CHAINING("role-chaining", "false", "ROLE_CHAINING"),
  AUDIENCE("audience", "sts.amazonaws.com", "AUDIENCE"),
  FORCE_SKIP_OIDC("force-skip-oidc", "false", null),
  ROLE_SESSION_NAME("role-session-name", "GitHubActions", "ROLE_SESSION_NAME"),
  ROLE_DURATION_SECONDS("role-duration-seconds", "3600", "ROLE_DURATION_SECONDS"),
  ROLE_EXTERNAL_ID("role-external-id", null, "ROLE_EXTERNAL_ID"),
  ROLE_SKIP_SESSION_TAGGING("role-skip-session-tagging", "false", "ROLE_SKIP_SESSION_TAGGING"),
  TRANSITIVE_TAG_KEYS("transitive-tag-keys", null, "TRANSITIVE_TAG_KEYS"),
  CUSTOM_TAGS("custom-tags", null, null),
  INLINE_SESSION_POLICY("inline-session-policy", null, "INLINE_SESSION_POLICY"),
  MANAGED_SESSION_POLICIES("managed-session-policies", null, "MANAGED_SESSION_POLICIES"),
  OUTPUT_CREDENTIALS("output-credentials", "false", "OUTPUT_CREDENTIALS"),
  // no declared default: true, or false when aws-profile is set (as in the reference)
  OUTPUT_ENV_CREDENTIALS("output-env-credentials", null, null),
  AWS_PROFILE("aws-profile", null, null),
  OVERWRITE_AWS_PROFILE("overwrite-aws-profile", "false", "OVERWRITE_AWS_PROFILE"),
  UNSET_CURRENT_CREDENTIALS("unset-current-credentials", "false", "UNSET_CURRENT_CREDENTIALS"),
  USE_EXISTING_CREDENTIALS("use-existing-credentials", "false", "USE_EXISTING_CREDENTIALS"),
  ALLOWED_ACCOUNT_IDS("allowed-account-ids", null, null),
  MASK_AWS_ACCOUNT_ID("mask-aws-account-id", "false", "MASK_AWS_ACCOUNT_ID"),
  STS_ENDPOINT("sts-endpoint", null, null),
  HTTP_PROXY("http-proxy", null, null),
  NO_PROXY("no-proxy", null, null),
  DISABLE_RETRY("disable-retry", "false", "DISABLE_RETRY"),
  RETRY_MAX_ATTEMPTS("retry-max-attempts", "5", "RETRY_MAX_ATTEMPTS"),
  SPECIAL_CHARACTERS_WORKAROUND("special-characters-workaround", "false", "SPECIAL_CHARACTERS_WORKAROUND"),
  ACTION_TIMEOUT_S("action-timeout-s", "120", null);

  private final String inputName;
  private final String defaultValue;
  private final String plainVariable;

  ActionInput(String inputName, String defaultValue, String plainVariable) {
    this.inputName = inputName;
    this.defaultValue = defaultValue;
    this.plainVariable = plainVariable;
  }

  /** The name users write under {@code with:}. */
  public String inputName() {
    return inputName;
  }

  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The plain variable that stands in for an empty input, as the reference action translates it. */
  public Optional<String> plainVariable() {
    return Optional.ofNullable(plainVariable);
  }

  @Override
  public String toString() {
    return inputName;
  }
}
