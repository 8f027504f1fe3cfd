package dev.awsoidc.config;

import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.sts.RoleRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The inputs, validated and typed. Nothing here has touched the network.
 *
 * @param allowedAccountIds empty: any account
 * @param useExistingCredentials stop, exporting nothing, when the environment's credentials already work
 * @param specialCharactersWorkaround re-assume (a few times at most) until key and secret hold no special character
 * @param warnings inputs that are accepted but have no effect on the chosen path
 */
public record ActionSettings(
    CredentialPath path,
    String region,
    ExportOptions export,
    StsEndpointChoice stsEndpoint,
    int retryMaxAttempts,
    Optional<Duration> actionTimeout,
    Optional<HttpProxy> proxy,
    List<String> allowedAccountIds,
    boolean useExistingCredentials,
    boolean specialCharactersWorkaround,
    List<String> warnings) {

  public ActionSettings {
    allowedAccountIds = List.copyOf(allowedAccountIds);
    warnings = List.copyOf(warnings);
  }

  /** {@code allowed-account-ids}: no list allows every account. */
  public boolean accountAllowed(String accountId) {
    return allowedAccountIds.isEmpty() || allowedAccountIds.contains(accountId);
  }

  /** The role this run assumes, on every path but plain access keys. */
  public Optional<RoleRequest> role() {
    return switch (path) {
      case CredentialPath.GitHubOidc p -> Optional.of(p.role());
      case CredentialPath.WebIdentityTokenFile p -> Optional.of(p.role());
      case CredentialPath.WebIdentityTokenVariable p -> Optional.of(p.role());
      case CredentialPath.WebIdentityTokenStdin p -> Optional.of(p.role());
      case CredentialPath.AccessKeys p -> Optional.empty();
      case CredentialPath.AccessKeysAssumeRole p -> Optional.of(p.role());
      case CredentialPath.RoleChaining p -> Optional.of(p.role());
      case CredentialPath.RunnerCredentials p -> Optional.of(p.role());
    };
  }
}
