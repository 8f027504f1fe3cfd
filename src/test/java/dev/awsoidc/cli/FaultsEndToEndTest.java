package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.runner.WorkflowCommand;
import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.OidcIssuer;
import dev.awsoidc.testing.StsEmulator;
import dev.awsoidc.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the network and of the servers, from the local emulators, through the entrypoint in its own JVM: each
 * ends with exit 1, one clear {@code ::error}, nothing in GITHUB_ENV or GITHUB_OUTPUT, within the deadline; a
 * transient fault that clears within the retries ends in success. Untrusted certificates are never retried.
 */
class FaultsEndToEndTest {
  /** A run that fails at once: JVM start-up and a few local round trips, with room for a loaded machine. */
  private static final Duration QUICK = Duration.ofSeconds(15);
  /** action-timeout-s 3 plus JVM start-up, with room for a loaded machine; far below the 10 s read timeout. */
  private static final Duration AT_THE_3_S_DEADLINE = Duration.ofSeconds(8);

  @TempDir Path dir;
  @TempDir Path certificates;
  private LocalAws aws;

  @BeforeEach
  void start() {
    aws = new LocalAws(0, 0, null, null);
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  private ActionRun action() throws IOException {
    return ActionRun.against(dir, aws, "eu-west-1");
  }

  /**
   * Exit 1, nothing exported, exactly one error annotation with this title, and each word somewhere in the log
   * (the message or the details group). Returns the whole log.
   */
  private static String assertFailed(ActionRun.Result result, String title, String... words) {
    assertEquals(1, result.exitCode(), result.describe());
    assertEquals("", result.envFile(), "nothing in GITHUB_ENV: " + result.describe());
    assertEquals("", result.outputFile(), "nothing in GITHUB_OUTPUT: " + result.describe());
    assertEquals(1, result.errorLines().size(), result.describe());
    assertTrue(result.errorLines().getFirst().startsWith("::error title=" + WorkflowCommand.escapeProperty(title) + "::"),
        "title '" + title + "': " + result.describe());
    String log = result.stdout().replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%");
    for (String word : words) assertTrue(log.contains(word), "'" + word + "' in " + result.describe());
    assertTrue(result.summary().contains("No credentials were exported"), result.summary());
    return log;
  }

  private static void assertSucceeded(ActionRun.Result result) {
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(5, result.exportedEnv().size(), result.describe());
    assertTrue(result.errorLines().isEmpty(), result.describe());
  }

  private static void assertWithin(Duration limit, ActionRun.Result result) {
    assertTrue(result.took().compareTo(limit) < 0, "took " + result.took() + ", limit " + limit);
  }

  // ---- the runner's token endpoint ----

  @Test
  void tokenEndpointAnsweringGarbage() throws Exception {
    aws.oidc().replyNext(200, "text/plain", "\u0000\u0001garbage, not JSON");

    ActionRun.Result result = action().run();

    assertFailed(result, "Could not get an OIDC token", "not JSON", "text/plain");
    assertEquals(1, aws.oidc().requests().size(), "an answer that is not JSON is not retried");
    assertTrue(aws.sts().requests().isEmpty());
    assertWithin(QUICK, result);
  }

  @Test
  void tokenEndpointAnsweringHtml() throws Exception {
    aws.oidc().replyNext(200, "text/html", "<html><body><h1>Sign in to the proxy</h1></body></html>");

    ActionRun.Result result = action().run();

    String log = assertFailed(result, "Could not get an OIDC token", "not JSON", "text/html");
    assertFalse(log.contains("Sign in to the proxy"), "the body is not echoed");
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void tokenEndpointAnsweringAnEmptyBody() throws Exception {
    aws.oidc().replyNext(200, "application/json", "");

    ActionRun.Result result = action().run();

    assertFailed(result, "Could not get an OIDC token", "empty body");
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void tokenEndpointAnsweringJsonWithoutValue() throws Exception {
    aws.oidc().replyNext(200, "application/json", "{\"count\":0,\"message\":\"no token\"}");

    ActionRun.Result result = action().run();

    assertFailed(result, "Could not get an OIDC token", "without a 'value' field");
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void tokenEndpointHtmlErrorPagesAreRetried() throws Exception {
    aws.oidc().replyNext(502, "text/html", "<html><body>502 Bad Gateway</body></html>");
    aws.oidc().replyNext(503, "text/html", "<html><body>503 Service Unavailable</body></html>");

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(3, aws.oidc().requests().size());
  }

  @Test
  void tokenEndpointThatNeverAnswersEndsAtTheDeadline() throws Exception {
    aws.oidc().hangNext();

    ActionRun.Result result = action().input("action-timeout-s", "3").run();

    assertFailed(result, "Timed out", "action-timeout-s (3 s)", "reading the ID token");
    assertWithin(AT_THE_3_S_DEADLINE, result);
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void tokenEndpointThatHangsOnceIsAskedAgainAfterTheReadTimeout() throws Exception {
    aws.oidc().hangNext();

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(2, aws.oidc().requests().size());
    assertTrue(result.took().toSeconds() >= 10, "the read timeout (10 s) ended the first request");
  }

  @Test
  void tokenEndpointResettingEveryConnection() throws Exception {
    aws.oidc().resetNext(10);

    ActionRun.Result result = action().input("retry-max-attempts", "3").run();

    assertFailed(result, "Could not get an OIDC token", "after 3 attempts", "re-run the job");
    assertEquals(3, aws.oidc().requests().size(), "one request per attempt, no hidden retries");
    assertWithin(QUICK, result);
  }

  @Test
  void tokenEndpointResettingMidBodyIsRetried() throws Exception {
    aws.oidc().resetMidBodyNext();

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(2, aws.oidc().requests().size());
  }

  @Test
  void tokenEndpointResettingMidBodyEveryTime() throws Exception {
    for (int i = 0; i < 3; i++) aws.oidc().resetMidBodyNext();

    ActionRun.Result result = action().input("retry-max-attempts", "3").run();

    assertFailed(result, "Could not get an OIDC token", "after 3 attempts");
    assertEquals(3, aws.oidc().requests().size());
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void tokenEndpointHostThatDoesNotResolve() throws Exception {
    ActionRun.Result result = action()
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", "http://token.invalid.example:1/token?api-version=2.0")
        .input("retry-max-attempts", "2")
        .run();

    assertFailed(result, "Could not get an OIDC token", "token.invalid.example", "UnknownHostException",
        "after 2 attempts");
    assertWithin(QUICK, result);
  }

  // ---- STS ----

  @Test
  void stsAnsweringMalformedXml() throws Exception {
    aws.sts().replyNext(200, "text/xml", "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
        + "<Credentials><AccessKeyId>ASIA</Access></Credentials>");

    ActionRun.Result result = action().run();

    assertFailed(result, "Unreadable answer from STS", "HTTP 200", "AssumeRoleWithWebIdentity",
        aws.sts().endpointUrl());
    assertEquals(1, aws.sts().requests().size(), "STS did answer: the call is not repeated");
    assertWithin(QUICK, result);
  }

  @Test
  void stsAnsweringTruncatedXml() throws Exception {
    String whole = "<AssumeRoleWithWebIdentityResponse xmlns=\"" + StsEmulator.NAMESPACE + "\">\n"
        + "  <AssumeRoleWithWebIdentityResult>\n    <Credentials>\n      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n";
    aws.sts().replyNext(200, "text/xml", whole);

    ActionRun.Result result = action().run();

    assertFailed(result, "Unreadable answer from STS", "HTTP 200");
    assertEquals(1, aws.sts().requests().size());
  }

  @Test
  void stsAnsweringAnHtmlPage() throws Exception {
    aws.sts().replyNext(200, "text/html", "<html><body>Access through the proxy requires a login</body></html>");

    ActionRun.Result result = action().run();

    String log = assertFailed(result, "Unreadable answer from STS", "HTTP 200");
    assertFalse(log.contains("requires a login"), "the body is not echoed");
  }

  @Test
  void stsAnswering200WithoutCredentials() throws Exception {
    aws.sts().missingCredentialsNext();

    ActionRun.Result result = action().run();

    assertFailed(result, "Unreadable answer from STS", "HTTP 200", "has no Credentials",
        "STS request id: " + aws.sts().requestIds().getFirst());
    assertEquals(1, aws.sts().requests().size());
  }

  @Test
  void stsServiceErrorsThatClearWithinTheRetriesEndInSuccess() throws Exception {
    aws.sts().failNext(503, "ServiceUnavailable", 2).failNext(500, "InternalFailure", 1);

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(4, aws.sts().requests().size());
    assertEquals(aws.sts().sessions().getFirst().accessKeyId(), result.exportedEnv().get("AWS_ACCESS_KEY_ID"));
  }

  @Test
  void stsServiceErrorsThatPersistGiveUpAfterTheConfiguredAttempts() throws Exception {
    aws.sts().failNext(500, "InternalFailure", 10);

    ActionRun.Result result = action().input("retry-max-attempts", "3").run();

    assertFailed(result, "STS InternalFailure (gave up after 3 attempts)", "re-run the job",
        "STS AssumeRoleWithWebIdentity answered HTTP 500: InternalFailure: An internal error occurred.",
        "STS request id: " + aws.sts().requestIds().getLast());
    assertEquals(3, aws.sts().requests().size());
    assertTrue(result.summary().contains("re-running the job may succeed"), result.summary());
  }

  @Test
  void stsGatewayErrorPagesThatPersistGiveUp() throws Exception {
    for (int i = 0; i < 3; i++) {
      aws.sts().replyNext(503, "text/html", "<html><body>503 Service Temporarily Unavailable</body></html>");
    }

    ActionRun.Result result = action().input("retry-max-attempts", "3").run();

    assertFailed(result, "STS HTTP 503 (gave up after 3 attempts)", "re-run the job");
    assertEquals(3, aws.sts().requests().size());
  }

  @Test
  void stsThrottlingThatClearsIsRetried() throws Exception {
    aws.sts().throttleNext(3);

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(4, aws.sts().requests().size());
  }

  @Test
  void stsThrottlingThatPersistsGivesUp() throws Exception {
    aws.sts().throttleNext(10);

    ActionRun.Result result = action().input("retry-max-attempts", "2").run();

    // throttling gets 3 rounds of retry-max-attempts: it says "later", not "no"
    assertFailed(result, "STS Throttling (gave up after 6 attempts)", "throttling",
        "STS AssumeRoleWithWebIdentity answered HTTP 400: Throttling: Rate exceeded",
        "STS request id: " + aws.sts().requestIds().getLast());
    assertEquals(6, aws.sts().requests().size());
  }

  @Test
  void stsThatNeverAnswersEndsAtTheDeadline() throws Exception {
    aws.sts().hangNext();

    ActionRun.Result result = action().input("action-timeout-s", "3").run();

    assertFailed(result, "Timed out", "action-timeout-s (3 s)", "calling STS AssumeRoleWithWebIdentity");
    assertWithin(AT_THE_3_S_DEADLINE, result);
    assertEquals(1, aws.sts().requests().size());
  }

  @Test
  void stsThatHangsOnceIsAskedAgainAfterTheReadTimeout() throws Exception {
    aws.sts().hangNext();

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(2, aws.sts().requests().size());
    assertTrue(result.took().toSeconds() >= 10, "the read timeout (10 s) ended the first request");
  }

  @Test
  void stsResettingMidBodyIsRetried() throws Exception {
    aws.sts().resetMidBodyNext();

    ActionRun.Result result = action().run();

    assertSucceeded(result);
    assertEquals(2, aws.sts().requests().size());
    // the first answer's credentials were cut off; the second session's are the ones exported
    assertEquals(aws.sts().sessions().getLast().accessKeyId(), result.exportedEnv().get("AWS_ACCESS_KEY_ID"));
  }

  @Test
  void stsResettingMidBodyEveryTime() throws Exception {
    for (int i = 0; i < 2; i++) aws.sts().resetMidBodyNext();

    ActionRun.Result result = action().input("retry-max-attempts", "2").run();

    assertFailed(result, "Cannot reach STS at 127.0.0.1", aws.sts().endpointUrl(), "the connection closed before the end of STS's answer");
    assertEquals(2, aws.sts().requests().size());
    assertWithin(QUICK, result);
  }

  @Test
  void stsHostThatDoesNotResolve() throws Exception {
    ActionRun.Result result = action()
        .input("sts-endpoint", "http://sts.invalid.example:1")
        .input("retry-max-attempts", "2")
        .run();

    assertFailed(result, "Cannot reach STS at sts.invalid.example", "input 'sts-endpoint'", "UnknownHostException",
        "No proxy is set");
    assertWithin(QUICK, result);
  }

  @Test
  void noIamOidcProviderShowsStsOwnWords() throws Exception {
    try (OidcIssuer stranger = OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start()) {
      ActionRun.Result result = action()
          .env("ACTIONS_ID_TOKEN_REQUEST_URL", stranger.tokenEndpointUrl())
          .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", stranger.requestToken())
          .run();

      assertFailed(result, "No IAM OIDC provider for https://token.actions.githubusercontent.com",
          "No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com",
          "InvalidIdentityToken", "STS request id: " + aws.sts().requestIds().getFirst());
    }
  }

  // ---- TLS: certificates that are not for this host, or expired: one handshake, no retry, no bypass ----

  @Test
  void stsCertificateForAnotherHost() throws Exception {
    TestCertificates wrongHost = TestCertificates.forOtherHost(certificates, "sts.elsewhere.example");
    try (StsEmulator sts = stsWith(wrongHost); ConnectionCounter counter = new ConnectionCounter(sts.port())) {
      ActionRun.Result result = action().trusting(wrongHost)
          .env("AWS_ENDPOINT_URL_STS", "https://127.0.0.1:" + counter.port())
          .run();

      assertFailed(result, "STS endpoint not trusted", "127.0.0.1", "never turned off");
      assertEquals(1, counter.connections(), "one handshake, not retried");
      assertTrue(sts.requests().isEmpty(), "nothing was sent over the untrusted connection");
      assertWithin(QUICK, result);
    }
  }

  @Test
  void stsCertificateThatExpired() throws Exception {
    TestCertificates expired = TestCertificates.expired(certificates);
    try (StsEmulator sts = stsWith(expired); ConnectionCounter counter = new ConnectionCounter(sts.port())) {
      ActionRun.Result result = action().trusting(expired)
          .env("AWS_ENDPOINT_URL_STS", "https://127.0.0.1:" + counter.port())
          .run();

      assertFailed(result, "STS endpoint not trusted", "expired", "never turned off");
      assertEquals(1, counter.connections(), "one handshake, not retried");
      assertTrue(sts.requests().isEmpty());
    }
  }

  @Test
  void tokenEndpointCertificateThatExpired() throws Exception {
    TestCertificates expired = TestCertificates.expired(certificates);
    try (OidcIssuer issuer = OidcIssuer.builder().tls(expired).start();
        ConnectionCounter counter = new ConnectionCounter(issuer.port())) {
      ActionRun.Result result = action().trusting(expired)
          .env("ACTIONS_ID_TOKEN_REQUEST_URL", "https://127.0.0.1:" + counter.port() + "/token?api-version=2.0")
          .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", issuer.requestToken())
          .run();

      assertFailed(result, "OIDC token endpoint not trusted", "expired", "never turned off");
      assertEquals(1, counter.connections(), "one handshake, not retried");
      assertTrue(issuer.requests().isEmpty());
      assertTrue(aws.sts().requests().isEmpty());
    }
  }

  @Test
  void tokenEndpointCertificateForAnotherHost() throws Exception {
    TestCertificates wrongHost = TestCertificates.forOtherHost(certificates, "token.elsewhere.example");
    try (OidcIssuer issuer = OidcIssuer.builder().tls(wrongHost).start();
        ConnectionCounter counter = new ConnectionCounter(issuer.port())) {
      ActionRun.Result result = action().trusting(wrongHost)
          .env("ACTIONS_ID_TOKEN_REQUEST_URL", "https://127.0.0.1:" + counter.port() + "/token?api-version=2.0")
          .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", issuer.requestToken())
          .run();

      assertFailed(result, "OIDC token endpoint not trusted", "127.0.0.1", "never turned off");
      assertEquals(1, counter.connections(), "one handshake, not retried");
      assertTrue(issuer.requests().isEmpty());
    }
  }

  /** An STS emulator over TLS with these certificates that accepts the tokens of the shared token endpoint. */
  private StsEmulator stsWith(TestCertificates tls) {
    StsEmulator sts = StsEmulator.builder().tls(tls).start();
    sts.registerProvider(aws.oidc(), LocalAws.AUDIENCE);
    sts.registerRole(LocalAws.ROLE_ARN,
        new StsEmulator.TrustPolicy(aws.oidc().issuerUrl(), LocalAws.AUDIENCE, LocalAws.SUB_PATTERN));
    return sts;
  }

  /** A TCP forwarder in front of a server that counts the connections (so the TLS handshakes) it forwards. */
  static final class ConnectionCounter implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final AtomicInteger connections = new AtomicInteger();

    ConnectionCounter(int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofPlatform().daemon().name("connection-counter").start(this::acceptLoop);
    }

    int port() {
      return server.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          connections.incrementAndGet();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          pipe(client, upstream);
          pipe(upstream, client);
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void pipe(Socket from, Socket to) {
      Thread.ofPlatform().daemon().start(() -> {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException e) {
          // one side closed: close both
        } finally {
          try {
            from.close();
            to.close();
          } catch (IOException ignored) {
            // closing
          }
        }
      });
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
