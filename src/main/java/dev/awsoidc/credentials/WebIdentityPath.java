package dev.awsoidc.credentials;

import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.StsCallException;
import dev.awsoidc.sts.StsClientSettings;
import dev.awsoidc.sts.WebIdentityExchange;
import dev.awsoidc.token.IdToken;
import dev.awsoidc.token.IdTokenSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A token from any source, exchanged with AssumeRoleWithWebIdentity. The SDK client is built on a second thread
 * while the token is fetched. A token about to expire is replaced before it is sent, and the SDK's retries get
 * only the time the token has left; when that runs out, or STS finds it expired, a fresh one is fetched.
 */
public final class WebIdentityPath implements CredentialSource {
  /** Fetch a new token rather than send one this close to its expiry. */
  static final Duration TOKEN_EXPIRY_MARGIN = Duration.ofSeconds(30);
  /** STS must receive the token at least this long before it expires. */
  static final Duration TOKEN_SEND_MARGIN = Duration.ofSeconds(5);
  private static final int MAX_TOKEN_REFRESHES = 2;

  private final IdTokenSource tokens;
  private final StsClientSettings sts;
  private final RoleRequest role;
  private final Optional<Instant> deadline;
  private final Optional<Duration> actionTimeout;
  private final Progress progress;
  private final CompletableFuture<WebIdentityExchange> exchange;
  private IdToken token;

  public WebIdentityPath(IdTokenSource tokens, StsClientSettings sts, RoleRequest role, Optional<Instant> deadline,
      Optional<Duration> actionTimeout, Progress progress) {
    this.tokens = tokens;
    this.sts = sts;
    this.role = role;
    this.deadline = deadline;
    this.actionTimeout = actionTimeout;
    this.progress = progress;
    // the SDK client takes a while to build: do it while the token request is on the wire
    this.exchange = CompletableFuture.supplyAsync(() -> new WebIdentityExchange(sts),
        runnable -> Thread.ofPlatform().daemon().name("sts-client").start(runnable));
  }

  @Override
  public AwsSession obtain() throws Exception {
    if (token == null) {
      progress.stage("reading the ID token from " + tokens.description());
      token = fetch();
    }
    progress.stage("calling STS AssumeRoleWithWebIdentity at " + sts.endpointDescription());
    return exchange(exchange.join());
  }

  private AwsSession exchange(WebIdentityExchange client) throws Exception {
    for (int refreshes = 0; ; refreshes++) {
      if (token.expiresWithin(TOKEN_EXPIRY_MARGIN, Instant.now())) {
        progress.debug("the ID token expires at " + token.claims().expiresAt().orElseThrow()
            + "; fetching a fresh one first");
        token = fetch();
      }
      // a token that is already past it (a clock off) is sent anyway: STS's answer explains it best
      Optional<Instant> tokenUsableUntil = token.claims().expiresAt().map(exp -> exp.minus(TOKEN_SEND_MARGIN))
          .filter(Instant.now()::isBefore);
      Optional<Instant> until = earliest(deadline, tokenUsableUntil);
      try {
        return client.assume(role, token.value(),
            until.map(end -> Duration.between(Instant.now(), end)).map(WebIdentityPath::atLeastOneSecond));
      } catch (StsCallException e) {
        boolean tokenRanOut = e.timedOut() && tokenUsableUntil.isPresent() && until.equals(tokenUsableUntil);
        boolean expired = e.errorCode().filter("ExpiredTokenException"::equals).isPresent();
        if (refreshes < MAX_TOKEN_REFRESHES && (tokenRanOut || expired)) {
          progress.debug("the ID token " + (expired ? "was found expired by STS" : "ran out during retries")
              + "; fetching a fresh one");
          token = fetch();
          continue;
        }
        if (e.timedOut() && deadline.isPresent()) {
          throw new DeadlineExceededException(actionTimeout.orElseThrow(), "calling STS AssumeRoleWithWebIdentity");
        }
        throw e;
      }
    }
  }

  private IdToken fetch() throws Exception {
    IdToken fresh = tokens.fetch();
    progress.claims(fresh.claims());
    var claims = fresh.claims();
    progress.debug("ID token: iss=" + claims.issuer().orElse("?") + " aud=" + claims.audiences()
        + " sub=" + claims.subject().orElse("?") + " exp=" + claims.expiresAt().map(Instant::toString).orElse("?"));
    return fresh;
  }

  private static Duration atLeastOneSecond(Duration budget) {
    return budget.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : budget;
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) return b;
    if (b.isEmpty()) return a;
    return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
  }

  @Override
  public void close() {
    exchange.thenAccept(WebIdentityExchange::close);
  }
}
