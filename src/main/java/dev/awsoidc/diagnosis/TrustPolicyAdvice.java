package dev.awsoidc.diagnosis;

import dev.awsoidc.token.JwtClaims;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains an AccessDenied from AssumeRoleWithWebIdentity with the token's own claims: what this job presents,
 * the trust-policy condition that would match it, and the usual reasons a policy does not.
 */
final class TrustPolicyAdvice {
  /** The claims IAM and people look at; none of them is secret. */
  static final List<String> SHOWN_CLAIMS = List.of(
      "iss", "aud", "sub", "repository", "ref", "environment", "job_workflow_ref", "event_name");

  private TrustPolicyAdvice() {}

  /** The condition key prefix IAM uses for a provider: its URL without the scheme. */
  static String conditionKeyPrefix(String issuer) {
    return issuer.replaceFirst("^https?://", "").replaceAll("/+$", "");
  }

  static List<String> claimLines(JwtClaims claims) {
    List<String> lines = new ArrayList<>();
    for (String name : SHOWN_CLAIMS) {
      claims.get(name).ifPresent(value -> lines.add(name + ": " + value));
    }
    return lines;
  }

  static String condition(JwtClaims claims) {
    String prefix = conditionKeyPrefix(claims.issuer().orElse("token.actions.githubusercontent.com"));
    String audience = claims.audiences().isEmpty() ? "sts.amazonaws.com" : claims.audiences().getFirst();
    String subject = claims.subject().orElse("repo:ORG/REPO:*");
    return """
        "Condition": {
          "StringEquals": { "%1$s:aud": "%2$s" },
          "StringLike": { "%1$s:sub": "%3$s" }
        }""".formatted(prefix, jsonEscape(audience), jsonEscape(subject));
  }

  /** The mismatches people hit most, as they apply to this token. */
  static List<String> hints(JwtClaims claims) {
    List<String> hints = new ArrayList<>();
    String subject = claims.subject().orElse("");
    String repository = claims.get("repository").orElse("ORG/REPO");
    if (subject.contains(":environment:")) {
      hints.add("This job uses an environment, so its sub is '" + subject + "', not 'repo:" + repository
          + ":ref:...'. A condition on the branch does not match jobs that have 'environment:'.");
    }
    if (subject.endsWith(":pull_request")) {
      hints.add("Pull request runs have sub 'repo:" + repository + ":pull_request', without the branch.");
    }
    if (!subject.isEmpty() && !subject.startsWith("repo:")) {
      hints.add("This sub does not start with 'repo:': the repository or organisation uses a customised sub "
          + "template, so the trust policy must match that format.");
    }
    if (subject.matches("repo:[^/:]+@\\d+/[^:]+@\\d+:.*")) {
      hints.add("This sub carries owner and repository IDs ('OWNER@ID/REPO@ID'), the immutable format of newer "
          + "repositories: a condition written for 'repo:OWNER/REPO:...' does not match it.");
    }
    claims.get("job_workflow_ref").ifPresent(ref -> {
      if (!ref.startsWith(repository + "/")) {
        hints.add("This job runs a reusable workflow (" + ref + "); its sub still names the caller repository.");
      }
    });
    hints.add("The trust policy's Principal must be the OIDC provider of this issuer, and its Action "
        + "sts:AssumeRoleWithWebIdentity.");
    return hints;
  }

  private static String jsonEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
