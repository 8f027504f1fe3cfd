package dev.awsoidc.diagnosis;

import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.config.CredentialPath;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.StsCallException;
import java.util.List;
import java.util.Optional;

/** Failures of the signed calls (AssumeRole, GetCallerIdentity): whose credentials, and what to change. */
final class SignedCallAdvice {
  private SignedCallAdvice() {}

  static Optional<Diagnosis> diagnose(StsCallException e, FailureContext context) {
    Optional<ActionSettings> settings = context.settings();
    String source = settings.map(s -> sourceOf(s.path())).orElse("the source credentials");
    String code = e.errorCode().orElse("");
    String message = Optional.ofNullable(e.getMessage()).orElse("");
    String role = settings.flatMap(ActionSettings::role).map(RoleRequest::roleArn).orElse("the role");
    return Optional.ofNullable(switch (code) {
      case "InvalidClientTokenId" -> Diagnosis.of("Access key not valid",
          "STS does not accept the access key id of " + source + " (" + message + "): it was deleted or "
              + "deactivated, belongs to another partition, or is not an AWS key. Rotate the key and update the "
              + "secret it comes from.");
      case "SignatureDoesNotMatch" -> message.startsWith("Signature expired")
          ? Diagnosis.of("Runner clock is off", "STS says: " + message + ". The runner's clock is more than 15 "
              + "minutes off; fix its time synchronisation (NTP).")
          : Diagnosis.of("Secret key does not match the access key",
              "STS could not verify the signature made with " + source + ": the secret access key does not belong "
                  + "to the access key id. Check 'aws-secret-access-key' (a rotated key, a stray space or newline "
                  + "in the secret).");
      case "ExpiredToken", "ExpiredTokenException" -> Diagnosis.of("Source session expired",
          "The session token of " + source + " has expired (" + message + "). "
              + (settings.map(s -> s.path() instanceof CredentialPath.RoleChaining).orElse(false)
              ? "The earlier step's session ran out: chain sooner after it, or give it a longer role-duration-seconds."
              : "Give fresh credentials."));
      case "AccessDenied" -> accessDenied(role, source, message, settings);
      case "ValidationError" -> message.contains("role chaining") ? Diagnosis.of("Chained sessions last at most 1 hour",
          "'role-duration-seconds' is " + settings.flatMap(ActionSettings::role).map(RoleRequest::durationSeconds)
              .orElse(0) + ", but AWS caps a session assumed with another role's session (role chaining) at 3600 "
              + "seconds, whatever the role's maximum: " + message + ". Set 'role-duration-seconds: 3600' or less, or "
              + "assume the role directly (OIDC or access keys) for a longer session.") : null;
      case "PackedPolicyTooLarge" -> Diagnosis.of("Session tags too large",
          "STS says: " + message + ". The droppable session tags were already dropped. Set "
              + "'role-skip-session-tagging: true', or give fewer or shorter 'custom-tags' and session policies.");
      default -> null;
    });
  }

  private static Diagnosis accessDenied(String role, String source, String message,
      Optional<ActionSettings> settings) {
    if (message.contains("sts:TagSession")) {
      return Diagnosis.of("Role does not allow session tags",
          "STS denied tagging the session of " + role + ": " + message + ". The action sends session tags "
              + "(GitHub, Repository, Workflow, …) with AssumeRole. Allow sts:TagSession for the same principal in "
              + "the role's trust policy, or set 'role-skip-session-tagging: true'.")
          .withDetails(List.of("\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]"));
    }
    String caller = message.replaceFirst("^User: (\\S+) is not authorized.*$", "$1");
    String principal = caller.equals(message) ? "<the caller's ARN>"
        : caller.replaceFirst("^arn:([^:]+):sts::(\\d+):assumed-role/([^/]+)/.*$", "arn:$1:iam::$2:role/$3");
    boolean externalId = settings.flatMap(ActionSettings::role).flatMap(RoleRequest::externalId).isPresent();
    return Diagnosis.of("Role trust policy does not allow " + (caller.equals(message) ? "these credentials" : caller),
        "STS denied AssumeRole for " + role + " with " + source + ": " + message + ". The role's trust policy must "
            + "allow this principal to sts:AssumeRole" + (externalId ? " with this sts:ExternalId ('role-external-id')"
            : "") + ", the principal's own policy must allow sts:AssumeRole on the role, and the role must exist.")
        .withDetails(List.of("A trust-policy statement that admits these credentials:",
            "{ \"Effect\": \"Allow\", \"Principal\": { \"AWS\": \"" + principal + "\" },",
            "  \"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"] }"));
  }

  /** Whose credentials signed the call, in the user's words. */
  static String sourceOf(CredentialPath path) {
    return switch (path) {
      case CredentialPath.AccessKeys p -> "the access keys ('aws-access-key-id')";
      case CredentialPath.AccessKeysAssumeRole p -> "the access keys ('aws-access-key-id')";
      case CredentialPath.RoleChaining p -> "the credentials an earlier step exported (role-chaining)";
      case CredentialPath.RunnerCredentials p -> "the runner's own credentials";
      case CredentialPath.GitHubOidc p -> "the OIDC session";
      case CredentialPath.WebIdentityTokenFile p -> "the web identity session";
      case CredentialPath.WebIdentityTokenVariable p -> "the web identity session";
      case CredentialPath.WebIdentityTokenStdin p -> "the web identity session";
    };
  }
}
