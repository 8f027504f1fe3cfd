package dev.awsoidc.config;

/**
 * How the action gets its AWS credentials. Exactly one path is chosen, in {@link SettingsParser#parse}; the
 * entrypoint switches on it. Later paths (a token file, role chaining, access keys with AssumeRole, tokens from
 * other CI systems) are new records here.
 */
public sealed interface CredentialPath {

  /** The GitHub Actions runner's OIDC ID token, exchanged with AssumeRoleWithWebIdentity. */
  record GitHubOidc(String audience) implements CredentialPath {}
}
