package dev.awsoidc.credentials;

import dev.awsoidc.config.AccessKeyInputs;
import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.config.CredentialPath;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.SignedSts;
import dev.awsoidc.sts.StsClientSettings;
import dev.awsoidc.tls.TlsSetup;
import dev.awsoidc.token.Backoff;
import dev.awsoidc.token.FileTokenSource;
import dev.awsoidc.token.GitHubActionsTokenSource;
import dev.awsoidc.token.IdTokenSource;
import dev.awsoidc.token.StdinTokenSource;
import dev.awsoidc.token.TokenHttpClient;
import dev.awsoidc.token.VariableTokenSource;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;

/**
 * From the chosen {@link CredentialPath} to the class that does its work: the one switch over the paths. Each
 * path gets only what it needs; in particular the SDK's default credential lookups (environment, instance
 * metadata, ECS, a token file) exist on the runner-credentials path alone.
 */
public final class CredentialPaths {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final Backoff TOKEN_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  private CredentialPaths() {}

  /** What every path may need from the run, besides the settings. */
  /** @param tls loaded only if an endpoint is https, and awaited only once a path needs it */
  public record Run(Map<String, String> environment, TlsSetup tls, InputStream stdin,
      Optional<Instant> deadline,
      Consumer<String> mask, Progress progress) {}

  public static CredentialSource open(ActionSettings settings, Run run) throws Exception {
    // a job without id-token: write is told so at once, without waiting for the trust store
    var tokenUrl = settings.path() instanceof CredentialPath.GitHubOidc oidc
        ? GitHubActionsTokenSource.tokenUrl(run.environment(), oidc.audience()) : null;
    OkHttpClient tokenHttp = tokenUrl == null ? null
        : TokenHttpClient.withoutTls(settings.proxy(), CONNECT_TIMEOUT, READ_TIMEOUT);
    StsClientSettings sts = stsSettings(settings, run.tls());
    return switch (settings.path()) {
      case CredentialPath.GitHubOidc p ->
          webIdentity(gitHubRunner(tokenUrl, tokenHttp, settings, run), sts, p.role(), settings, run);
      case CredentialPath.WebIdentityTokenFile p ->
          webIdentity(new FileTokenSource(p.file(), run.mask()), sts, p.role(), settings, run);
      case CredentialPath.WebIdentityTokenVariable p ->
          webIdentity(new VariableTokenSource(p.variable(), run.environment(), run.mask()), sts, p.role(), settings,
              run);
      case CredentialPath.WebIdentityTokenStdin p ->
          webIdentity(new StdinTokenSource(run.stdin(), run.mask()), sts, p.role(), settings, run);
      case CredentialPath.AccessKeys p ->
          new AccessKeysPath(new SignedSts(sts, accessKeys(p.keys())), p.keys(), run.progress());
      case CredentialPath.AccessKeysAssumeRole p ->
          new AssumeRolePath(new SignedSts(sts, accessKeys(p.keys())), sts, p.role(), p.tags(), run.progress());
      case CredentialPath.RoleChaining p ->
          new AssumeRolePath(new SignedSts(sts, chainedKeys(run)), sts, p.role(), p.tags(), run.progress());
      case CredentialPath.RunnerCredentials p ->
          new AssumeRolePath(new SignedSts(sts, maskedOnceFound(runnerChain(p.skipEnvironmentKeys()), run.mask())),
              sts, p.role(), p.tags(), run.progress());
    };
  }

  /** Waits for the trust store if, and only if, STS is reached over https. */
  public static StsClientSettings stsSettings(ActionSettings settings, TlsSetup tls) {
    return new StsClientSettings(settings.region(), settings.stsEndpoint().endpoint(), settings.retryMaxAttempts(),
        CONNECT_TIMEOUT, READ_TIMEOUT,
        stsOverHttps(settings) ? Optional.of(tls.get().newSocketFactory()) : Optional.empty(), settings.proxy());
  }

  /**
   * Starts loading the trust store in the background if this run will reach an endpoint over https: STS (always,
   * unless its endpoint is set to an http URL) or the GitHub runner's token endpoint. Called as soon as the
   * settings are known; a run over plain HTTP never loads it, nor does a job without {@code id-token: write},
   * which fails before any request.
   */
  public static void prepareTls(ActionSettings settings, Map<String, String> environment, TlsSetup tls) {
    if (settings.path() instanceof CredentialPath.GitHubOidc) {
      String tokenUrl = environment.getOrDefault(GitHubActionsTokenSource.URL_VARIABLE, "");
      if (tokenUrl.isBlank()) return;
      if (!isHttpUrl(tokenUrl)) {
        tls.start();
        return;
      }
    }
    if (stsOverHttps(settings)) tls.start();
  }

  private static boolean stsOverHttps(ActionSettings settings) {
    return !settings.stsEndpoint().endpoint().map(URI::toString).map(CredentialPaths::isHttpUrl).orElse(false);
  }

  private static boolean isHttpUrl(String url) {
    return url.strip().regionMatches(true, 0, "http://", 0, "http://".length());
  }

  private static CredentialSource webIdentity(IdTokenSource tokens, StsClientSettings sts,
      RoleRequest role, ActionSettings settings, Run run) {
    return new WebIdentityPath(tokens, sts, role, run.deadline(), settings.actionTimeout(), run.progress());
  }

  private static IdTokenSource gitHubRunner(okhttp3.HttpUrl url, OkHttpClient plain, ActionSettings settings,
      Run run) {
    // an http URL (a local emulator) gets a client without TLS, and the trust store is never loaded for it
    OkHttpClient http = url.isHttps() ? TokenHttpClient.withTls(plain, run.tls().get()) : plain;
    return new GitHubActionsTokenSource(url, GitHubActionsTokenSource.requestToken(run.environment()), http,
        settings.retryMaxAttempts(), TOKEN_BACKOFF, run.deadline(), run.mask());
  }

  public static AwsCredentialsProvider accessKeys(AccessKeyInputs keys) {
    return StaticCredentialsProvider.create(keys.sessionToken()
        .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(token ->
            AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), token))
        .orElseGet(() -> AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())));
  }

  /**
   * The credentials an earlier step exported, as this step's environment holds them, masked again in case they
   * came from elsewhere than an action that masked them; empty when there is no key id and secret.
   */
  public static Optional<AccessKeyInputs> environmentKeys(Map<String, String> environment, Consumer<String> mask) {
    String id = environment.getOrDefault("AWS_ACCESS_KEY_ID", "").strip();
    String secret = environment.getOrDefault("AWS_SECRET_ACCESS_KEY", "").strip();
    String token = environment.getOrDefault("AWS_SESSION_TOKEN", "").strip();
    if (id.isEmpty() || secret.isEmpty()) return Optional.empty();
    mask.accept(id);
    mask.accept(secret);
    if (!token.isEmpty()) mask.accept(token);
    return Optional.of(new AccessKeyInputs(id, secret, token.isEmpty() ? Optional.empty() : Optional.of(token)));
  }

  /** Role chaining signs with the environment's credentials, which must be there. */
  private static AwsCredentialsProvider chainedKeys(Run run) throws NoSourceCredentialsException {
    Optional<AccessKeyInputs> keys = environmentKeys(run.environment(), run.mask());
    if (keys.isEmpty()) {
      throw new NoSourceCredentialsException(
          "role-chaining is true, but this step's environment holds no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
          "Run a step that exports credentials (this action, without role-chaining) before this one, in the same "
              + "job; check that no step in between blanks them (unset-current-credentials, or a post step)", null);
    }
    return accessKeys(keys.get());
  }

  /**
   * The runner's credentials are found by the SDK (instance metadata, ECS, a token file), not given as inputs: mask
   * them the moment they are found, before they sign anything. STS's answer to a bad signature repeats the signed
   * headers, the session token among them, and a debug stack trace would print it.
   */
  static AwsCredentialsProvider maskedOnceFound(AwsCredentialsProvider provider, Consumer<String> mask) {
    var masked = new java.util.concurrent.atomic.AtomicReference<software.amazon.awssdk.auth.credentials.AwsCredentials>();
    return () -> {
      software.amazon.awssdk.auth.credentials.AwsCredentials found = provider.resolveCredentials();
      if (masked.getAndSet(found) != found) {
        mask.accept(found.accessKeyId());
        mask.accept(found.secretAccessKey());
        if (found instanceof AwsSessionCredentials session) mask.accept(session.sessionToken());
      }
      return found;
    };
  }

  /**
   * The SDK's default lookups, in its order, without profile files (the container's HOME is not the runner's):
   * the environment (unless unset-current-credentials), a web identity token file (EKS IRSA), the ECS container
   * endpoint, the EC2 instance metadata service.
   */
  static AwsCredentialsProvider runnerChain(boolean skipEnvironmentKeys) {
    var chain = AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(false);
    if (!skipEnvironmentKeys) chain.addCredentialsProvider(EnvironmentVariableCredentialsProvider.create());
    chain.addCredentialsProvider(WebIdentityTokenFileCredentialsProvider.create())
        .addCredentialsProvider(ContainerCredentialsProvider.create())
        .addCredentialsProvider(InstanceProfileCredentialsProvider.create());
    return chain.build();
  }
}
