package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.runner.WorkflowCommand;
import dev.awsoidc.testing.HttpProxyServer;
import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.StsEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario, on every credential path, success and failure, with step debug logging on (RUNNER_DEBUG=1): no
 * secret (ID token or its signature, request token, access key id, secret key, session token, proxy password) may
 * appear in stdout or stderr except as the data of an {@code ::add-mask::} line of its own (so never before its
 * mask either), nor in the step summary. The failures include the SDK's and HTTP clients' exceptions whose messages
 * echo request values: STS's SignatureDoesNotMatch repeats the canonical request, session token included.
 */
class SecretLeakTest {
  private static final String ACCOUNT = "111122223333";
  private static final String USER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/ci";
  /** A role that the IAM user and sessions of the deploy role may assume (access keys, chaining, runner). */
  private static final String TARGET_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/target";
  private static final String PROXY_PASSWORD = "pr0xy-p4ss-" + Long.toHexString(System.nanoTime());

  @TempDir Path dir;

  /** What a scenario may touch: the emulators, the run, and the secrets it brings in besides the emulators' own. */
  record Scenario(LocalAws aws, ActionRun run, Path dir, List<String> secrets, List<AutoCloseable> resources) {
    /** A fresh token of the local issuer, counted as a secret. */
    String token() {
      return secret(aws.oidc().issueToken(LocalAws.AUDIENCE));
    }

    String secret(String value) {
      secrets.add(value);
      return value;
    }

    StsEmulator.User user() {
      return aws.sts().registerUser(USER_ARN);
    }

    /** Access keys as inputs, no role: the keys are handed on after GetCallerIdentity. */
    void accessKeys(String id, String secret) {
      run.env("INPUT_ROLE-TO-ASSUME", null).input("aws-access-key-id", id).input("aws-secret-access-key", secret);
      secrets.addAll(List.of(id, secret));
    }

    /** A session of the deploy role, issued by STS as a previous step would have got it. */
    StsEmulator.Session session() throws Exception {
      String token = aws.oidc().issueToken(LocalAws.AUDIENCE);
      secrets.add(token);
      String form = Stream.of("Action=AssumeRoleWithWebIdentity", "Version=2011-06-15",
              "RoleArn=" + encode(LocalAws.ROLE_ARN), "RoleSessionName=earlier-step", "WebIdentityToken=" + encode(token))
          .collect(Collectors.joining("&"));
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(aws.sts().endpointUrl()))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return aws.sts().sessions().getLast();
    }

    /** A token file holding this text, for web-identity-token-file. */
    void tokenFile(String content) throws IOException {
      Path file = dir.resolve("web-identity-token");
      Files.writeString(file, content);
      run.input("web-identity-token-file", file.toString());
      secrets.add(content);
    }

    /** The runner's own credentials, from an instance metadata service (IMDSv2) on 127.0.0.1. */
    void instanceMetadata(String id, String secret, String token) throws IOException {
      FakeInstanceMetadata imds = new FakeInstanceMetadata().serving(id, secret, token);
      resources.add(imds);
      run.env("ACTIONS_ID_TOKEN_REQUEST_URL", null).env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", null)
          .env("RUNNER_ENVIRONMENT", "self-hosted")
          .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())
          .input("role-to-assume", TARGET_ROLE);
      secrets.addAll(List.of(id, secret, token));
    }

    /** A proxy on 127.0.0.1 that wants this user and password. */
    HttpProxyServer proxy() throws IOException {
      HttpProxyServer proxy = HttpProxyServer.requiringLogin("ci", PROXY_PASSWORD);
      resources.add(proxy);
      secrets.add(PROXY_PASSWORD);
      return proxy;
    }
  }

  interface Setup {
    void apply(Scenario s) throws Exception;
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        // ---- the runner's OIDC token ----
        scenario("success", s -> {}),
        scenario("success with outputs and masked account", s -> s.run()
            .input("output-credentials", "true").input("mask-aws-account-id", "true")),
        scenario("success with a named profile", s -> s.run().input("aws-profile", "deploy")
            .env("RUNNER_TEMP", s.dir().toString())),
        scenario("token endpoint 503 then success", s -> s.aws().oidc().failNext(503, 2)),
        scenario("token endpoint reset then success", s -> s.aws().oidc().resetNext(2)),
        scenario("token endpoint cut off mid-body then success", s -> s.aws().oidc().resetMidBodyNext()),
        scenario("STS throttling then success", s -> s.aws().sts().throttleNext(1)),
        scenario("STS IDPCommunicationError then success", s -> s.aws().sts().idpCommunicationErrorNext(1)),
        scenario("STS connection reset then success", s -> s.aws().sts().resetNext()),
        scenario("STS answer cut off mid-body then success", s -> s.aws().sts().resetMidBodyNext()),
        scenario("STS answer cut off mid-body every time", s -> {
          s.aws().sts().resetMidBodyNext().resetMidBodyNext();
          s.run().input("retry-max-attempts", "2");
        }),
        scenario("STS 200 without Credentials", s -> s.aws().sts().missingCredentialsNext()),
        scenario("STS malformed XML", s -> s.aws().sts().replyNext(200, "text/xml", "<AssumeRoleWithWebIdentityResponse>")),
        scenario("request token refused", s -> {
          s.run().env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "not-the-token");
          s.secrets().add("not-the-token");
        }),
        scenario("token endpoint answers HTML", s -> s.aws().oidc().replyNext(200, "text/html", "<html>login</html>")),
        scenario("access denied", s -> s.aws().oidc().withRepository("octo-org/other")),
        scenario("wrong audience", s -> s.run().input("audience", "example.com")),
        scenario("expired token", s -> s.aws().oidc().withLifetime(Duration.ofSeconds(-10))),
        scenario("duration above the role maximum", s -> s.run().input("role-duration-seconds", "43200")),
        scenario("STS unreachable", s -> s.run().input("sts-endpoint", "http://127.0.0.1:9")
            .input("retry-max-attempts", "1")),
        scenario("STS outage", s -> {
          s.aws().sts().failNext(500, "InternalFailure", 3);
          s.run().input("retry-max-attempts", "2");
        }),
        scenario("timeout", s -> {
          s.aws().sts().delayNext(Duration.ofSeconds(6));
          s.run().input("action-timeout-s", "1");
        }),
        // the token request through the proxy; STS (plain http here) direct: the JDK cannot answer a proxy's 407
        // to a plain-http POST (https, the real case, goes through a tunnel: ProxyEndToEndTest)
        scenario("through a proxy with a password: success", s -> s.run()
            .input("http-proxy", "http://ci:" + PROXY_PASSWORD + "@127.0.0.1:" + s.proxy().port())
            .input("no-proxy", "127.0.0.1:" + s.aws().sts().port())),
        scenario("a wrong proxy password", s -> {
          int port = s.proxy().port();
          s.run().env("HTTP_PROXY", "http://ci:wrong-" + PROXY_PASSWORD + "@127.0.0.1:" + port);
          s.secrets().add("wrong-" + PROXY_PASSWORD);
        }),
        // ---- a web identity token file ----
        scenario("token file: success", s -> s.tokenFile(s.aws().oidc().issueToken(LocalAws.AUDIENCE))),
        scenario("token file: access denied", s -> s.tokenFile(s.aws().oidc().newToken()
            .subject("repo:someone/else:ref:refs/heads/main").signed())),
        scenario("token file: expired token", s -> s.tokenFile(s.aws().oidc().newToken()
            .lifetime(Duration.ofSeconds(-120)).signed())),
        scenario("token file: not a JWT", s -> s.tokenFile("s3cret-but-not-a-jwt-" + System.nanoTime())),
        // ---- access keys ----
        scenario("access keys: success", s -> {
          StsEmulator.User user = s.user();
          s.accessKeys(user.accessKeyId(), user.secretAccessKey());
        }),
        scenario("access keys and role: success", s -> {
          StsEmulator.User user = s.user();
          s.accessKeys(user.accessKeyId(), user.secretAccessKey());
          s.run().input("role-to-assume", TARGET_ROLE).input("output-credentials", "true");
        }),
        scenario("access keys: wrong secret (SignatureDoesNotMatch)", s -> {
          StsEmulator.User user = s.user();
          s.accessKeys(user.accessKeyId(), wrong(user.secretAccessKey()));
        }),
        scenario("access keys and role: wrong secret (SignatureDoesNotMatch)", s -> {
          StsEmulator.User user = s.user();
          s.accessKeys(user.accessKeyId(), wrong(user.secretAccessKey()));
          s.run().input("role-to-assume", TARGET_ROLE);
        }),
        scenario("session keys with a wrong secret: STS echoes the session token", s -> {
          StsEmulator.Session session = s.session();
          s.accessKeys(session.accessKeyId(), wrong(session.secretAccessKey()));
          s.run().input("aws-session-token", session.sessionToken()).input("role-to-assume", TARGET_ROLE);
        }),
        scenario("access keys: unknown key id", s -> s.accessKeys("AKIA" + "Q".repeat(16),
            "unknownSecret/" + System.nanoTime())),
        scenario("access keys and role: access denied", s -> {
          StsEmulator.User user = s.user();
          s.accessKeys(user.accessKeyId(), user.secretAccessKey());
          s.run().input("role-to-assume", LocalAws.ROLE_ARN);
        }),
        // ---- role chaining: the credentials an earlier step exported ----
        scenario("role chaining: success", s -> chain(s, s.session(), false)),
        scenario("role chaining: wrong secret (SignatureDoesNotMatch echoes the session token)",
            s -> chain(s, s.session(), true)),
        scenario("role chaining: access denied", s -> {
          chain(s, s.session(), false);
          s.run().input("role-to-assume", "arn:aws:iam::" + ACCOUNT + ":role/nobody-trusts-you");
        }),
        // ---- the runner's own credentials (instance metadata) ----
        scenario("runner credentials: success", s -> {
          StsEmulator.Session session = s.session();
          s.instanceMetadata(session.accessKeyId(), session.secretAccessKey(), session.sessionToken());
        }),
        scenario("runner credentials: wrong secret (SignatureDoesNotMatch echoes the session token)", s -> {
          StsEmulator.Session session = s.session();
          s.instanceMetadata(session.accessKeyId(), wrong(session.secretAccessKey()),
              session.sessionToken());
        }));
  }

  /** role-chaining: the session in the step's environment, as an earlier step exported it. */
  private static void chain(Scenario s, StsEmulator.Session session, boolean wrongSecret) {
    String secret = wrongSecret ? wrong(session.secretAccessKey()) : session.secretAccessKey();
    s.run().env("AWS_ACCESS_KEY_ID", session.accessKeyId()).env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", session.sessionToken())
        .input("role-chaining", "true").input("role-to-assume", TARGET_ROLE);
    s.secrets().add(secret);
  }

  /** Another secret of the same shape (never the same one by chance). */
  private static String wrong(String secret) {
    return (secret.charAt(0) == 'x' ? "y" : "x") + secret.substring(1);
  }

  private static Arguments scenario(String name, Setup setup) {
    return Arguments.of(name, setup);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void noSecretIsPrintedUnmasked(String name, Setup setup) throws Exception {
    Swept swept = sweep(setup);
    ActionRun.Result result = swept.result();
    assertTrue(result.stdout().contains("::debug::"), "debug output was on: " + result.describe());
    assertOnlyInMaskLines(name, "stdout", result.stdout(), swept.secrets());
    assertOnlyInMaskLines(name, "stderr", result.stderr(), swept.secrets());
    for (String secret : swept.secrets()) {
      assertFalse(result.summary().contains(secret), name + ": secret in the step summary");
    }
    if (name.contains("echoes the session token")) {
      assertTrue(result.stdout().contains("x-amz-security-token:***"),
          name + ": STS's canonical request reached the log, redacted: " + result.describe());
    }
    // each scenario ends as its name says, so that it covers what it claims to
    assertEquals(name.contains("success") ? 0 : 1, result.exitCode(), name + ": " + result.describe());
    if (result.exitCode() != 0) {
      assertEquals("", result.envFile(), name + ": a failure exports nothing");
    }
  }

  /**
   * The command line (claims, trust-policy --from-token, assume in each format), RUNNER_DEBUG=1 too: stderr never
   * holds a secret; stdout holds the new credentials only where they are the output (assume --format env, json,
   * credential-process, on success), never a token or its signature, and nothing at all on failure.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("commandLine")
  void theCommandLineNeverShowsATokenAndPrintsCredentialsOnlyAsItsOutput(String name, Setup setup) throws Exception {
    Swept swept = sweep(s -> {
      s.run().env("ACTIONS_ID_TOKEN_REQUEST_URL", null).env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", null)
          .env("GITHUB_ACTIONS", null);
      setup.apply(s);
    });
    ActionRun.Result result = swept.result();
    assertEquals(name.contains("success") ? 0 : 1, result.exitCode(), name + ": " + result.describe());
    assertOnlyInMaskLines(name, "stderr", result.stderr(), swept.secrets());
    List<String> issued = swept.issuedCredentials();
    if (name.contains("--format github")) {
      assertOnlyInMaskLines(name, "stdout", result.stdout(), swept.secrets());
    } else {
      List<String> tokens = swept.secrets().stream().filter(secret -> !issued.contains(secret)).toList();
      assertOnlyInMaskLines(name, "stdout", result.stdout(), tokens);
      boolean credentialsAreTheOutput = name.startsWith("assume") && !name.contains("--format github");
      if (result.exitCode() != 0 || !credentialsAreTheOutput) {
        assertOnlyInMaskLines(name, "stdout", result.stdout(), swept.secrets());
      }
      if (result.exitCode() != 0) assertEquals("", result.stdout(), name + ": nothing on stdout on failure");
    }
  }

  static Stream<Arguments> commandLine() {
    return Stream.of(
        scenario("claims from a variable: success", s -> s.run().env("AWS_ID_TOKEN", s.token())
            .args("claims", "--web-identity-token-env", "AWS_ID_TOKEN")),
        scenario("claims --output json from a file: success", s -> {
          s.tokenFile(s.aws().oidc().issueToken(LocalAws.AUDIENCE));
          s.run().args("claims", "--web-identity-token-file", s.dir().resolve("web-identity-token").toString(),
              "--output", "json");
        }),
        scenario("claims from stdin: success", s -> s.run().stdin(s.token() + "\n")
            .args("claims", "--web-identity-token-stdin")),
        scenario("claims from the GitHub runner: success", s -> s.run()
            .env("ACTIONS_ID_TOKEN_REQUEST_URL", s.aws().oidc().tokenEndpointUrl())
            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", s.aws().oidc().requestToken())
            .args("claims", "--output", "json")),
        scenario("claims of an expired token: success", s -> s.run().env("AWS_ID_TOKEN", s.secret(
                s.aws().oidc().newToken().lifetime(Duration.ofSeconds(-300)).signed()))
            .args("claims", "--web-identity-token-env", "AWS_ID_TOKEN")),
        scenario("claims of something that is not a JWT", s -> s.run()
            .env("AWS_ID_TOKEN", s.secret("s3cret.not-a.jwt-" + System.nanoTime()))
            .args("claims", "--web-identity-token-env", "AWS_ID_TOKEN")),
        scenario("claims with a refused request token", s -> s.run()
            .env("ACTIONS_ID_TOKEN_REQUEST_URL", s.aws().oidc().tokenEndpointUrl())
            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", s.secret("refused-" + System.nanoTime()))
            .args("claims")),
        scenario("trust-policy --from-token: success", s -> s.run().env("AWS_ID_TOKEN", s.token())
            .args("trust-policy", "--from-token", "--web-identity-token-env", "AWS_ID_TOKEN", "--account-id", ACCOUNT)),
        scenario("assume --format env: success", s -> assume(s, "env")),
        scenario("assume --format json: success", s -> assume(s, "json")),
        scenario("assume --format credential-process: success", s -> assume(s, "credential-process")),
        scenario("assume --format github: success", s -> assume(s, "github").env("GITHUB_ACTIONS", "true")),
        scenario("assume --format env, access denied", s -> {
          s.aws().oidc().withRepository("octo-org/other");
          assume(s, "env");
        }),
        scenario("assume --format json, STS echoes nothing it should not", s -> {
          s.aws().sts().failNext(500, "InternalFailure", 2);
          assume(s, "json").args("--retry-max-attempts", "2");
        }),
        scenario("assume --format credential-process, token not a JWT", s -> {
          s.run().env("AWS_ID_TOKEN", s.secret("not-a-jwt-" + System.nanoTime())).args("assume",
              "--web-identity-token-env", "AWS_ID_TOKEN", "--role-to-assume", LocalAws.ROLE_ARN, "--aws-region",
              "us-east-1", "--sts-endpoint", s.aws().sts().endpointUrl(), "--format", "credential-process");
        }));
  }

  /** assume with a token from a variable, in this format. */
  private static ActionRun assume(Scenario s, String format) {
    return s.run().env("AWS_ID_TOKEN", s.token()).args("assume", "--web-identity-token-env", "AWS_ID_TOKEN",
        "--role-to-assume", LocalAws.ROLE_ARN, "--aws-region", "us-east-1", "--sts-endpoint",
        s.aws().sts().endpointUrl(), "--format", format);
  }

  /** One run, and every secret it could have shown. */
  record Swept(ActionRun.Result result, List<String> secrets, List<String> issuedCredentials) {}

  private Swept sweep(Setup setup) throws Exception {
    try (LocalAws aws = new LocalAws(0, 0, null, null)) {
      aws.sts().registerRole(TARGET_ROLE, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Principal\":{\"AWS\":[\"" + USER_ARN + "\",\"" + LocalAws.ROLE_ARN + "\"]},"
          + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}");
      ActionRun run = ActionRun.against(dir, aws, "us-east-1").env("RUNNER_DEBUG", "1");
      Scenario scenario = new Scenario(aws, run, dir, new ArrayList<>(), new ArrayList<>());
      ActionRun.Result result;
      try {
        setup.apply(scenario);
        result = run.run();
      } finally {
        for (AutoCloseable resource : scenario.resources()) resource.close();
      }
      List<String> secrets = new ArrayList<>(scenario.secrets());
      secrets.addAll(aws.oidc().servedTokens());
      secrets.add(aws.oidc().requestToken());
      List<String> issued = new ArrayList<>();
      for (StsEmulator.Session session : aws.sts().sessions()) {
        issued.addAll(List.of(session.accessKeyId(), session.secretAccessKey(), session.sessionToken()));
      }
      secrets.addAll(issued);
      // a JWT's signature alone is as good as a leak of the token (the claims command must never show it)
      for (String secret : List.copyOf(secrets)) {
        if (secret.chars().filter(c -> c == '.').count() == 2) secrets.add(secret.substring(secret.lastIndexOf('.') + 1));
      }
      secrets.removeIf(String::isBlank);
      return new Swept(result, secrets, issued);
    }
  }

  /**
   * Every line that holds a secret is {@code ::add-mask::} of that secret or of a longer secret holding it (a JWT
   * holds its signature): the mask comes first, and nothing prints the value after it either.
   */
  private static void assertOnlyInMaskLines(String name, String stream, String text, List<String> secrets) {
    List<String> lines = text.lines().toList();
    for (String line : lines) {
      for (String secret : secrets) {
        if (!line.contains(secret)) continue;
        boolean maskLine = secrets.stream().anyMatch(longer -> longer.contains(secret)
            && line.equals("::add-mask::" + WorkflowCommand.escapeData(longer)));
        assertTrue(maskLine, name + ": a secret was printed on " + stream + " outside its add-mask line: "
            + line.replace(secret, "<SECRET>"));
      }
    }
  }
}
