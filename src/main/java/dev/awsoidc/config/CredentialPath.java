package dev.awsoidc.config;

import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.SessionTags;
import java.nio.file.Path;

/**
 * How the credentials are obtained. Exactly one path is chosen, in {@link PathChoice#choose}, with the reference
 * action's precedence; {@code credentials.CredentialPaths} switches on it to the class that does the work.
 * Data flows one way: settings, then the path's token or source credentials, then STS, then the output.
 */
public sealed interface CredentialPath {

  /** The GitHub Actions runner's OIDC ID token, exchanged with AssumeRoleWithWebIdentity. */
  record GitHubOidc(String audience, RoleRequest role) implements CredentialPath {}

  /** A token in a file (EKS IRSA, a kubelet projected token, any OIDC issuer), with AssumeRoleWithWebIdentity. */
  record WebIdentityTokenFile(Path file, RoleRequest role) implements CredentialPath {}

  /** A token in an environment variable (GitLab CI's {@code id_tokens}), with AssumeRoleWithWebIdentity. */
  record WebIdentityTokenVariable(String variable, RoleRequest role) implements CredentialPath {}

  /** A token on standard input (a Cognito IdToken piped in), with AssumeRoleWithWebIdentity. */
  record WebIdentityTokenStdin(RoleRequest role) implements CredentialPath {}

  /** Access keys given as inputs, handed on as they are after a GetCallerIdentity check. */
  record AccessKeys(AccessKeyInputs keys) implements CredentialPath {}

  /** AssumeRole signed with the access keys given as inputs. A bare role name is completed from their account. */
  record AccessKeysAssumeRole(AccessKeyInputs keys, RoleRequest role, SessionTags tags) implements CredentialPath {}

  /** AssumeRole signed with the credentials an earlier step left in the environment ({@code role-chaining}). */
  record RoleChaining(RoleRequest role, SessionTags tags) implements CredentialPath {}

  /**
   * AssumeRole signed with the runner's own credentials (self-hosted on EC2, ECS, EKS): the SDK's default chain,
   * used on this path only; without the environment's keys when {@code unset-current-credentials} is true.
   */
  record RunnerCredentials(RoleRequest role, SessionTags tags, boolean skipEnvironmentKeys)
      implements CredentialPath {}
}
