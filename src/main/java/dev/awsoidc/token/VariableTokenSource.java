package dev.awsoidc.token;

import java.util.Map;
import java.util.function.Consumer;

/**
 * An ID token handed to the job in an environment variable: GitLab CI's {@code id_tokens:} keyword puts each
 * JWT in a CI variable of the job's choosing.
 */
public final class VariableTokenSource implements IdTokenSource {
  private final String variableName;
  private final Map<String, String> environment;
  private final Consumer<String> onToken;

  public VariableTokenSource(String variableName, Map<String, String> environment) {
    this(variableName, environment, token -> {});
  }

  /** @param onToken called with the raw token before it is decoded: the place to mask it */
  public VariableTokenSource(String variableName, Map<String, String> environment, Consumer<String> onToken) {
    this.variableName = variableName;
    this.environment = environment;
    this.onToken = onToken;
  }

  @Override
  public IdToken fetch() throws IdTokenUnavailableException {
    String value = environment.get(variableName);
    if (value == null || value.isBlank()) {
      throw new IdTokenUnavailableException("The CI variable " + variableName + " that should hold the ID token is "
          + (value == null ? "not set" : "empty") + ". In GitLab CI, ask for the token in the job in .gitlab-ci.yml"
          + " (aud is the audience your IAM OIDC provider expects):\n"
          + "  id_tokens:\n"
          + "    " + variableName + ":\n"
          + "      aud: sts.amazonaws.com");
    }
    String token = value.strip();
    onToken.accept(token);
    return IdToken.parse(token, description());
  }

  @Override
  public String description() {
    return "the CI variable " + variableName;
  }
}
