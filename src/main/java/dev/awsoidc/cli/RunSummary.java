package dev.awsoidc.cli;

import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.config.CredentialPath;
import dev.awsoidc.diagnosis.Diagnoser;
import dev.awsoidc.diagnosis.Diagnosis;
import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.token.JwtClaims;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The Markdown for {@code $GITHUB_STEP_SUMMARY}. Never a secret: no token, no key, no session token. */
final class RunSummary {
  private RunSummary() {}

  static String success(ActionSettings settings, AwsSession role, Optional<JwtClaims> claims, Duration took,
      boolean maskAccountId) {
    String who = settings.role().map(r -> mask(r.roleArn(), role.accountId(), maskAccountId))
        .orElse(mask(role.arn(), role.accountId(), maskAccountId));
    StringBuilder md = new StringBuilder(settings.role().isPresent() ? "### AWS credentials: assumed "
        : "### AWS credentials: access keys of ").append(code(who)).append("\n\n")
        .append("| | |\n|---|---|\n")
        .append(row("Path", pathName(settings)));
    settings.role().ifPresent(r -> md.append(row("Role", who)).append(row("Session name", r.sessionName())));
    md.append(row("Account", maskAccountId ? "***" : role.accountId()))
        .append(row(settings.role().isPresent() ? "Assumed-role ARN" : "Caller ARN",
            mask(role.arn(), role.accountId(), maskAccountId)))
        .append(row("Expires", role.credentials().expiration().map(Object::toString).orElse("never (long-term keys)")));
    settings.role().ifPresent(r -> md.append(row("Session duration", r.durationSeconds() + " s")));
    md        .append(row("Region", settings.region()))
        .append(row("Took", took.toMillis() + " ms"))
        .append('\n');
    claims.ifPresent(c -> md.append(claimsTable(c)));
    return md.toString();
  }

  /** The credential path in words, as a user would name it. */
  static String pathName(ActionSettings settings) {
    return switch (settings.path()) {
      case CredentialPath.GitHubOidc p -> "GitHub OIDC token";
      case CredentialPath.WebIdentityTokenFile p -> "web identity token file";
      case CredentialPath.WebIdentityTokenVariable p -> "web identity token from $" + p.variable();
      case CredentialPath.WebIdentityTokenStdin p -> "web identity token from standard input";
      case CredentialPath.AccessKeys p -> "access keys";
      case CredentialPath.AccessKeysAssumeRole p -> "access keys, then AssumeRole";
      case CredentialPath.RoleChaining p -> "role chaining";
      case CredentialPath.RunnerCredentials p -> "the runner's own credentials";
    };
  }

  static String failure(Optional<ActionSettings> settings, Diagnosis diagnosis, Optional<JwtClaims> claims) {
    StringBuilder md = new StringBuilder("### AWS credentials: failed: ").append(diagnosis.title()).append("\n\n");
    settings.ifPresent(s -> {
      md.append("Path: ").append(pathName(s));
      s.role().ifPresent(r -> md.append(", role ").append(code(r.roleArn())).append(", session ")
          .append(code(r.sessionName())));
      md.append(", region ").append(code(s.region())).append(".\n\n");
    });
    md.append(diagnosis.message()).append("\n\n");
    md.append(diagnosis.retryable()
        ? "The cause was transient and the retries ran out: re-running the job may succeed.\n\n"
        : "The cause is permanent: re-running will not help until it is fixed.\n\n");
    if (!diagnosis.details().isEmpty()) {
      md.append("```\n").append(String.join("\n", diagnosis.details())).append("\n```\n\n");
    }
    claims.ifPresent(c -> md.append(claimsTable(c)));
    md.append("No credentials were exported.\n\n");
    return md.toString();
  }

  private static String claimsTable(JwtClaims claims) {
    Map<String, String> shown = Diagnoser.shownClaims(claims);
    if (shown.isEmpty()) return "";
    StringBuilder md = new StringBuilder("<details><summary>ID token claims used</summary>\n\n| claim | value |\n|---|---|\n");
    shown.forEach((name, value) -> md.append(row(name, value)));
    return md.append("\n</details>\n\n").toString();
  }

  private static String mask(String text, String accountId, boolean maskAccountId) {
    return maskAccountId ? text.replace(accountId, "***") : text;
  }

  private static String row(String name, String value) {
    return "| " + name + " | " + code(value) + " |\n";
  }

  private static String code(String value) {
    return "`" + value.replace("`", "'").replace("|", "\\|") + "`";
  }
}
