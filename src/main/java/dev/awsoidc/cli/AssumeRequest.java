package dev.awsoidc.cli;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.export.OutputFormat;
import java.util.Map;

/**
 * What {@code assume} was asked to do.
 *
 * @param inputs action input name (exactly as in action.yml, e.g. {@code role-to-assume}) to value, for the
 *     options given or defaulted from the SDK variables; inputs not given are absent, so the action's defaults
 *     apply. {@code managed-session-policies} holds one ARN per line, like the action input.
 */
public record AssumeRequest(Map<String, String> inputs, TokenChoice token, OutputFormat format) {
  public AssumeRequest {
    inputs = Map.copyOf(inputs);
  }

  @Override
  public String toString() {
    // an inline session policy is not secret, but nothing here is worth a long line either
    return "AssumeRequest[inputs=" + inputs.keySet() + ", token=" + token + ", format=" + format + "]";
  }
}
