package dev.awsoidc.config;

import dev.awsoidc.sts.Arns;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.SessionTags;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place that decides the credential path, with aws-actions/configure-aws-credentials' precedence:
 * access keys, then a token file, then role chaining, then the runner's OIDC token, then the runner's own
 * credentials. Where the reference silently lets one input win over another, we refuse the pair, naming both.
 */
final class PathChoice {
  private final SettingsParser inputs;
  private final Map<String, String> environment;
  private final Optional<TokenChoice> cliToken;

  PathChoice(SettingsParser inputs, Map<String, String> environment, Optional<TokenChoice> cliToken) {
    this.inputs = inputs;
    this.environment = environment;
    this.cliToken = cliToken;
  }

  /** The chosen path; null after recording the problems when the inputs allow none. */
  CredentialPath choose(Optional<RoleRequest> role, Optional<AccessKeyInputs> keys, Optional<Path> tokenFile,
      Supplier<SessionTags> tags) {
    boolean chaining = inputs.bool(ActionInput.ROLE_CHAINING);
    boolean skipOidc = inputs.bool(ActionInput.FORCE_SKIP_OIDC);
    boolean unset = inputs.bool(ActionInput.UNSET_CURRENT_CREDENTIALS);
    boolean keysGiven = inputs.value(ActionInput.AWS_ACCESS_KEY_ID).isPresent();

    if (keysGiven && tokenFile.isPresent()) {
      return conflict(ActionInput.AWS_ACCESS_KEY_ID, ActionInput.WEB_IDENTITY_TOKEN_FILE,
          "Keep one: the keys sign an AssumeRole call, the token file is exchanged with AssumeRoleWithWebIdentity");
    }
    if (keysGiven && chaining) {
      return conflict(ActionInput.AWS_ACCESS_KEY_ID, ActionInput.ROLE_CHAINING,
          "Role chaining signs with the credentials an earlier step exported; remove the keys, or role-chaining");
    }
    if (tokenFile.isPresent() && chaining) {
      return conflict(ActionInput.WEB_IDENTITY_TOKEN_FILE, ActionInput.ROLE_CHAINING,
          "Keep one: a token file needs no earlier credentials");
    }
    if (cliToken.isPresent() && (keysGiven || tokenFile.isPresent() || chaining)) {
      // the command line names its token source itself; an action input on top would be a second one
      inputs.problem(keysGiven ? ActionInput.AWS_ACCESS_KEY_ID
              : tokenFile.isPresent() ? ActionInput.WEB_IDENTITY_TOKEN_FILE : ActionInput.ROLE_CHAINING,
          "it cannot be combined with a token from a variable or standard input",
          "Give one source of credentials");
      return null;
    }
    if (skipOidc && role.isPresent() && !keysGiven && tokenFile.isEmpty() && !chaining) {
      return conflict(ActionInput.FORCE_SKIP_OIDC, ActionInput.ROLE_TO_ASSUME,
          "With force-skip-oidc: true, a role needs aws-access-key-id or web-identity-token-file (or role-chaining)");
    }

    if (keys.isPresent()) {
      if (role.isEmpty()) return new CredentialPath.AccessKeys(keys.get());
      return new CredentialPath.AccessKeysAssumeRole(keys.get(), role.get(), tags.get());
    }
    if (keysGiven) return null; // the key inputs themselves were reported
    if (role.isEmpty()) {
      inputs.problem(ActionInput.ROLE_TO_ASSUME, "it is required and was not given",
          "Add 'role-to-assume: arn:aws:iam::<account-id>:role/<role-name>' under 'with:' (or give "
              + "aws-access-key-id and aws-secret-access-key to use access keys as they are)");
      return null;
    }
    RoleRequest request = role.get();
    if (cliToken.isPresent()) {
      forWebIdentity(request, "a token");
      return switch (cliToken.get()) {
        case TokenChoice.Variable v -> new CredentialPath.WebIdentityTokenVariable(v.name(), request);
        case TokenChoice.Stdin s -> new CredentialPath.WebIdentityTokenStdin(request);
        case TokenChoice.File f -> new CredentialPath.WebIdentityTokenFile(f.path(), request);
        case TokenChoice.GitHubRunner g ->
            new CredentialPath.GitHubOidc(inputs.value(ActionInput.AUDIENCE).orElseThrow(), request);
      };
    }
    if (tokenFile.isPresent()) {
      forWebIdentity(request, "a token");
      return new CredentialPath.WebIdentityTokenFile(tokenFile.get(), request);
    }
    if (chaining) return new CredentialPath.RoleChaining(request, tags.get());
    boolean oidcAvailable = !environment.getOrDefault("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "").isEmpty();
    // GitHub's hosted runners have no AWS credentials of their own: there, a role alone can only mean OIDC, and a
    // missing token a missing id-token: write (said at once, with no instance-metadata lookups first)
    boolean hostedRunner = "github-hosted".equals(environment.get("RUNNER_ENVIRONMENT"));
    if ((oidcAvailable || hostedRunner) && !skipOidc) {
      forWebIdentity(request, "an OIDC token");
      return new CredentialPath.GitHubOidc(inputs.value(ActionInput.AUDIENCE).orElseThrow(), request);
    }
    // A role alone on a self-hosted runner (or outside GitHub): the runner's own credentials (EC2, ECS, EKS) - or a
    // job that lacks id-token: write. A failure on this path is diagnosed as both (diagnosis.Diagnoser).
    return new CredentialPath.RunnerCredentials(request, tags.get(), unset);
  }

  private void requireArn(RoleRequest role, String why) {
    if (!Arns.isRoleArn(role.roleArn())) {
      String hint = role.roleArn().startsWith("arn:") ? "it is not an IAM role ARN"
          : "a bare role name needs the account, and " + why;
      inputs.problem(ActionInput.ROLE_TO_ASSUME, "'" + role.roleArn() + "' is not a role ARN (" + hint + ")",
          "Use the full ARN, e.g. arn:aws:iam::111122223333:role/deploy");
    }
  }

  /**
   * The web identity paths: the role must be an ARN ({@code token} carries no account), and the AssumeRole-only
   * inputs are said to have no effect rather than dropped silently (STS takes such a session's tags from the token).
   */
  private void forWebIdentity(RoleRequest role, String token) {
    requireArn(role, token + " carries no account");
    if (inputs.value(ActionInput.CUSTOM_TAGS).isPresent()) {
      inputs.warning("custom-tags is ignored: STS takes a web identity session's tags from the token's claims, "
          + "not from the request. Remove custom-tags, or add the tags as claims (e.g. a GitHub custom sub).");
    }
    if (inputs.value(ActionInput.ROLE_EXTERNAL_ID).isPresent()) {
      inputs.warning("role-external-id is ignored: AssumeRoleWithWebIdentity takes no external id.");
    }
  }

  private CredentialPath conflict(ActionInput first, ActionInput second, String fix) {
    inputs.problem(first, "it cannot be combined with " + second.inputName(), fix);
    return null;
  }
}
