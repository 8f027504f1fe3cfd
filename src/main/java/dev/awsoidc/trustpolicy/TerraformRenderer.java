package dev.awsoidc.trustpolicy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The policy as Terraform: an {@code aws_iam_openid_connect_provider} and an {@code aws_iam_role} whose
 * {@code assume_role_policy = jsonencode({...})} names the provider by reference, so no account id is needed.
 */
public final class TerraformRenderer {
  private TerraformRenderer() {}

  public static String render(TrustPolicy policy) {
    String provider = resourceName(providerLabel(policy));
    String role = resourceName(policy.roleName());
    StringBuilder tf = new StringBuilder();
    tf.append("# One provider per account and URL: if it exists already, refer to it with\n")
        .append("# data \"aws_iam_openid_connect_provider\" instead of creating it again.\n")
        .append("resource \"aws_iam_openid_connect_provider\" \"").append(provider).append("\" {\n")
        .append("  url            = ").append(string(policy.issuerUrl())).append('\n')
        .append("  client_id_list = ").append(list(policy.clientIds())).append('\n')
        .append("}\n\n")
        .append("resource \"aws_iam_role\" \"").append(role).append("\" {\n")
        .append("  name = ").append(string(policy.roleName())).append('\n')
        .append("  assume_role_policy = jsonencode({\n")
        .append("    Version = \"2012-10-17\"\n")
        .append("    Statement = [{\n")
        .append("      Effect    = \"Allow\"\n")
        .append("      Principal = { Federated = aws_iam_openid_connect_provider.").append(provider).append(".arn }\n")
        .append("      Action    = \"sts:AssumeRoleWithWebIdentity\"\n")
        .append("      Condition = {\n");
    boolean subjectLike = !policy.subjects().isEmpty() && policy.subjectOperator().equals("StringLike");
    tf.append("        StringEquals = {\n")
        .append("          ").append(string(policy.audienceKey())).append(" = ").append(string(policy.audience()))
        .append('\n');
    if (!policy.subjects().isEmpty() && !subjectLike) {
      tf.append("          ").append(string(policy.subjectKey())).append(" = ").append(values(policy.subjects()))
          .append('\n');
    }
    tf.append("        }\n");
    if (subjectLike) {
      tf.append("        StringLike = {\n")
          .append("          ").append(string(policy.subjectKey())).append(" = ").append(values(policy.subjects()))
          .append('\n')
          .append("        }\n");
    }
    tf.append("      }\n")
        .append("    }]\n")
        .append("  })\n")
        .append("}\n");
    return tf.toString();
  }

  private static String providerLabel(TrustPolicy policy) {
    String path = policy.providerPath();
    if (path.equals("token.actions.githubusercontent.com")) return "github";
    if (path.startsWith("cognito-idp.")) return "cognito";
    if (path.contains("gitlab")) return "gitlab";
    return "oidc";
  }

  /** A Terraform identifier: letters, digits, _ and -, not starting with a digit. */
  static String resourceName(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9_-]", "_");
    return cleaned.isEmpty() || !Character.isLetter(cleaned.charAt(0)) && cleaned.charAt(0) != '_'
        ? "r_" + cleaned : cleaned;
  }

  private static String values(List<String> values) {
    return values.size() == 1 ? string(values.getFirst()) : list(values);
  }

  private static String list(List<String> values) {
    return values.stream().map(TerraformRenderer::string).collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * An HCL quoted string: backslash, quote and control characters escaped, and {@code ${} / {@code %{} doubled so
   * Terraform takes them literally instead of as interpolation or a directive.
   */
  static String string(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean template = (c == '$' || c == '%') && i + 1 < value.length() && value.charAt(i + 1) == '{';
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (template) out.append(c).append(c);
          else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }
}
