package dev.awsoidc.cli;

import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.config.CredentialPath;
import dev.awsoidc.config.InputProblem;
import dev.awsoidc.config.InvalidInputsException;
import dev.awsoidc.config.SettingsParser;
import dev.awsoidc.diagnosis.DeadlineExceededException;
import dev.awsoidc.diagnosis.Diagnoser;
import dev.awsoidc.diagnosis.Diagnosis;
import dev.awsoidc.diagnosis.FailureContext;
import dev.awsoidc.export.GitHubActionsExport;
import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.runner.StepSummary;
import dev.awsoidc.runner.WorkflowCommands;
import dev.awsoidc.sts.Arns;
import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.sts.StsCallException;
import dev.awsoidc.sts.StsClientSettings;
import dev.awsoidc.sts.WebIdentityExchange;
import dev.awsoidc.tls.ClientTls;
import dev.awsoidc.token.Backoff;
import dev.awsoidc.token.GitHubActionsTokenSource;
import dev.awsoidc.token.IdToken;
import dev.awsoidc.token.IdTokenSource;
import dev.awsoidc.token.JwtClaims;
import java.io.IOException;
import java.net.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the action: settings, then the chosen credential path, then the export. Failures of any stage
 * end in one place, {@link #report}, which explains them and writes nothing but the error and the summary.
 */
public final class CredentialAction {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  /** Fetch a new token rather than send one this close to its expiry. */
  static final Duration TOKEN_EXPIRY_MARGIN = Duration.ofSeconds(30);
  /** STS must receive the token at least this long before it expires. */
  static final Duration TOKEN_SEND_MARGIN = Duration.ofSeconds(5);
  private static final int MAX_TOKEN_REFRESHES = 2;
  private static final Backoff TOKEN_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  private final Logger log = LoggerFactory.getLogger(CredentialAction.class);
  private final Map<String, String> environment;
  private final WorkflowCommands commands;
  private final Optional<StepSummary> summary;
  private volatile ActionSettings settings;
  private volatile JwtClaims claims;
  private volatile String stage = "starting";
  private final CompletableFuture<ClientTls> tls;

  /** {@code tls}: the clients' TLS set-up, started as early as possible (see {@link ClientTls}). */
  public CredentialAction(Map<String, String> environment, WorkflowCommands commands,
      CompletableFuture<ClientTls> tls) {
    this.environment = Map.copyOf(environment);
    this.commands = commands;
    this.tls = tls;
    this.summary = StepSummary.fromEnvironment(environment);
  }

  /** Runs the action; the exit code: 0 with credentials exported, 1 with nothing exported. */
  public int run() {
    Instant start = Instant.now();
    try {
      settings = SettingsParser.parse(environment);
      // the role ARN names the account: mask it before anything prints the ARN
      if (settings.export().maskAccountId()) commands.addMask(Arns.accountId(settings.role().roleArn()));
      settings.proxy().flatMap(HttpProxy::password).ifPresent(commands::addMask);
      GitHubActionsExport export = GitHubActionsExport.prepare(settings.export(), environment);
      Optional<Instant> deadline = settings.actionTimeout().map(start::plus);
      try (Watchdog watchdog = Watchdog.start(settings.actionTimeout(), this::timedOut)) {
        AwsSession role = switch (settings.path()) {
          case CredentialPath.GitHubOidc oidc -> assumeWithGitHubOidc(oidc, deadline);
        };
        if (!watchdog.claimFinish()) return 1;
        stage = "exporting";
        export.export(role, settings.region(), commands);
        reportSuccess(role, Duration.between(start, Instant.now()));
      }
      return 0;
    } catch (InvalidInputsException e) {
      for (InputProblem problem : e.problems()) {
        commands.error("Invalid " + (problem.variable() ? "variable " : "input ") + problem.name(),
            problem.message());
      }
      appendSummary(RunSummary.failure(Optional.empty(),
          Diagnosis.of("invalid inputs", String.join("\n\n", e.problems().stream().map(InputProblem::message).toList())),
          Optional.empty()));
      return 1;
    } catch (Exception | LinkageError e) {
      report(e);
      return 1;
    }
  }

  private AwsSession assumeWithGitHubOidc(CredentialPath.GitHubOidc oidc, Optional<Instant> deadline)
      throws Exception {
    HttpUrl url = GitHubActionsTokenSource.tokenUrl(environment, oidc.audience());
    ClientTls trust = tls.join();
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .sslSocketFactory(trust.newSocketFactory(), trust.trustManager())
        .connectTimeout(CONNECT_TIMEOUT)
        .readTimeout(READ_TIMEOUT)
        .callTimeout(CONNECT_TIMEOUT.plus(READ_TIMEOUT))
        .retryOnConnectionFailure(false); // we retry, and count, ourselves
    settings.proxy().ifPresentOrElse(proxy -> {
      builder.proxySelector(proxy.selector());
      proxy.authorization().ifPresent(credentials -> builder.proxyAuthenticator((route, response) ->
          // asked before each CONNECT and on a 407; a second 407 means the credentials are wrong: stop
          response.request().header("Proxy-Authorization") != null ? null
              : response.request().newBuilder().header("Proxy-Authorization", credentials).build()));
    }, () -> builder.proxy(Proxy.NO_PROXY));
    OkHttpClient http = builder.build();
    IdTokenSource tokens = new GitHubActionsTokenSource(url, GitHubActionsTokenSource.requestToken(environment),
        http, settings.retryMaxAttempts(), TOKEN_BACKOFF, deadline, commands::addMask);
    StsClientSettings sts = new StsClientSettings(settings.region(), settings.stsEndpoint().endpoint(),
        settings.retryMaxAttempts(), CONNECT_TIMEOUT, READ_TIMEOUT, Optional.of(trust.newSocketFactory()),
        settings.proxy());
    // the SDK client takes a while to build: do it while the token request is on the wire
    CompletableFuture<WebIdentityExchange> exchange = CompletableFuture.supplyAsync(
        () -> new WebIdentityExchange(sts), runnable -> Thread.ofPlatform().daemon().name("sts-client").start(runnable));
    try {
      stage = "fetching the OIDC token from " + tokens.description();
      IdToken token = fetch(tokens);
      commands.debug("ID token: iss=" + claims.issuer().orElse("?") + " aud=" + claims.audiences()
          + " sub=" + claims.subject().orElse("?") + " exp=" + claims.expiresAt().map(Instant::toString).orElse("?"));
      stage = "calling STS AssumeRoleWithWebIdentity at " + sts.endpointDescription();
      log.info("Assuming {} with the GitHub OIDC token (sub {}) through {}", settings.role().roleArn(),
          claims.subject().orElse("?"), sts.endpointDescription());
      return exchange(exchange.join(), tokens, token, deadline);
    } finally {
      exchange.thenAccept(WebIdentityExchange::close);
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /**
   * Sends a token that is not about to expire, and gives the SDK's retries only the time the token has left;
   * if that runs out, or STS finds the token expired, fetches a fresh token and goes on.
   */
  private AwsSession exchange(WebIdentityExchange exchange, IdTokenSource tokens, IdToken token,
      Optional<Instant> deadline) throws Exception {
    IdToken current = token;
    for (int refreshes = 0; ; refreshes++) {
      if (current.expiresWithin(TOKEN_EXPIRY_MARGIN, Instant.now())) {
        commands.debug("the ID token expires at " + current.claims().expiresAt().orElseThrow()
            + "; fetching a fresh one first");
        current = fetch(tokens);
      }
      // a token that is already past it (a clock off) is sent anyway: STS's answer explains it best
      Optional<Instant> tokenUsableUntil = current.claims().expiresAt().map(exp -> exp.minus(TOKEN_SEND_MARGIN))
          .filter(Instant.now()::isBefore);
      Optional<Instant> until = earliest(deadline, tokenUsableUntil);
      try {
        return exchange.assume(settings.role(), current.value(),
            until.map(end -> Duration.between(Instant.now(), end)).map(CredentialAction::atLeastOneSecond));
      } catch (StsCallException e) {
        boolean tokenRanOut = e.timedOut() && tokenUsableUntil.isPresent() && until.equals(tokenUsableUntil);
        boolean expired = e.errorCode().filter("ExpiredTokenException"::equals).isPresent();
        if (refreshes < MAX_TOKEN_REFRESHES && (tokenRanOut || expired)) {
          commands.debug("the ID token " + (expired ? "was found expired by STS" : "ran out during retries")
              + "; fetching a fresh one");
          current = fetch(tokens);
          continue;
        }
        if (e.timedOut() && deadline.isPresent()) {
          throw new DeadlineExceededException(settings.actionTimeout().orElseThrow(), stage);
        }
        throw e;
      }
    }
  }

  private static Duration atLeastOneSecond(Duration budget) {
    return budget.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : budget;
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) return b;
    if (b.isEmpty()) return a;
    return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
  }

  private IdToken fetch(IdTokenSource tokens) throws Exception {
    IdToken token = tokens.fetch();
    claims = token.claims();
    return token;
  }

  private void reportSuccess(AwsSession role, Duration took) {
    log.info("Authenticated as {} (account {}); the credentials expire at {}", role.arn(),
        role.accountId(), role.credentials().expiration());
    appendSummary(RunSummary.success(settings, role, Optional.ofNullable(claims), took,
        settings.export().maskAccountId()));
  }

  private void timedOut() {
    Duration timeout = settings.actionTimeout().orElse(Duration.ZERO);
    report(new DeadlineExceededException(timeout, stage));
    System.out.flush();
    System.err.flush();
  }

  private void report(Throwable failure) {
    FailureContext context = new FailureContext(Optional.ofNullable(settings), Optional.ofNullable(claims),
        environment);
    Diagnosis diagnosis = Diagnoser.diagnose(failure, context);
    commands.error(diagnosis.title(), diagnosis.message());
    if (!diagnosis.details().isEmpty()) {
      commands.startGroup("Details: " + diagnosis.title());
      diagnosis.details().forEach(line -> log.info("{}", line));
      commands.endGroup();
    }
    if (commands.debugEnabled()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      failure.printStackTrace(new java.io.PrintWriter(trace));
      trace.toString().lines().forEach(commands::debug);
    }
    appendSummary(RunSummary.failure(Optional.ofNullable(settings), diagnosis, Optional.ofNullable(claims)));
  }

  private void appendSummary(String markdown) {
    if (summary.isEmpty()) return;
    try {
      summary.get().append(commands.masker().redact(markdown));
    } catch (IOException e) {
      commands.debug("could not write the step summary: " + e.getMessage());
    }
  }
}
