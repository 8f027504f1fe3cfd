package dev.awsoidc.token;

import java.util.List;

/** The runner gave this step no way to request an ID token: the variables are missing. */
public final class IdTokenUnavailableException extends Exception {
  private final List<String> missingVariables;

  public IdTokenUnavailableException(List<String> missingVariables) {
    super("missing " + String.join(" and ", missingVariables));
    this.missingVariables = List.copyOf(missingVariables);
  }

  public List<String> missingVariables() {
    return missingVariables;
  }
}
