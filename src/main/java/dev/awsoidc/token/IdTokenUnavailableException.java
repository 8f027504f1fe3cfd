package dev.awsoidc.token;

import java.util.List;

/**
 * No ID token can be had from the configured source, and asking again will not help: either the runner gave
 * this step no way to request one (the variables are missing: {@link #missingVariables()}), or a token file,
 * CI variable or stdin held nothing usable (the message says what is wrong and the fix). Never carries the
 * token itself.
 */
public final class IdTokenUnavailableException extends Exception {
  private final List<String> missingVariables;

  public IdTokenUnavailableException(List<String> missingVariables) {
    super("missing " + String.join(" and ", missingVariables));
    this.missingVariables = List.copyOf(missingVariables);
  }

  /** A token source problem other than the runner's variables; the message names the source and the fix. */
  public IdTokenUnavailableException(String message) {
    super(message);
    this.missingVariables = List.of();
  }

  /** The runner's OIDC variables that are not set; empty for a token file, variable or stdin problem. */
  public List<String> missingVariables() {
    return missingVariables;
  }

  /** True when the cause is the job's missing {@code id-token: write} permission (the variables are unset). */
  public boolean missingPermission() {
    return !missingVariables.isEmpty();
  }
}
