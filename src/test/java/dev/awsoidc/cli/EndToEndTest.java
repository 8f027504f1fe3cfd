package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.OidcIssuer;
import dev.awsoidc.testing.RecordedRequest;
import dev.awsoidc.testing.StsEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entrypoint in its own JVM against the local token endpoint and STS emulator, as a job would run it. */
class EndToEndTest {
  @TempDir Path dir;
  private LocalAws aws;

  @BeforeEach
  void start() {
    aws = new LocalAws(0, 0, null, null);
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  private ActionRun action() throws Exception {
    return ActionRun.against(dir, aws, "ap-northeast-1");
  }

  private static void assertNothingExported(ActionRun.Result result) {
    assertEquals(1, result.exitCode(), result.describe());
    assertEquals("", result.envFile(), "nothing in GITHUB_ENV");
    assertEquals("", result.outputFile(), "nothing in GITHUB_OUTPUT");
    assertEquals(1, result.errorLines().size(), result.describe());
  }

  private List<String> stsActions() {
    return aws.sts().requests().stream().map(r -> r.params().get("Action")).toList();
  }

  @Test
  void exportsMaskedWorkingCredentials() throws Exception {
    ActionRun.Result result = action().run();

    assertEquals(0, result.exitCode(), result.describe());
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    Map<String, String> env = result.exportedEnv();
    assertEquals(session.accessKeyId(), env.get("AWS_ACCESS_KEY_ID"));
    assertEquals(session.secretAccessKey(), env.get("AWS_SECRET_ACCESS_KEY"));
    assertEquals(session.sessionToken(), env.get("AWS_SESSION_TOKEN"));
    assertEquals("ap-northeast-1", env.get("AWS_REGION"));
    assertEquals("ap-northeast-1", env.get("AWS_DEFAULT_REGION"));
    assertEquals(Map.of("aws-account-id", "111122223333", "authenticated-arn", session.assumedRoleArn()),
        result.outputs());

    List<String> lines = result.stdout().lines().toList();
    for (String secret : List.of(session.accessKeyId(), session.secretAccessKey(), session.sessionToken())) {
      assertTrue(lines.contains("::add-mask::" + secret), "masked: " + result.describe());
    }
    String jwt = aws.sts().requests().getFirst().params().get("WebIdentityToken");
    assertTrue(lines.getFirst().equals("::add-mask::" + jwt), "the ID token is masked first: " + result.describe());
    assertTrue(result.summary().contains(session.assumedRoleArn()));

    RecordedRequest tokenRequest = aws.oidc().requests().getFirst();
    assertEquals("Bearer " + aws.oidc().requestToken(), tokenRequest.headers().get("Authorization").getFirst());
    assertTrue(tokenRequest.pathAndQuery().contains("api-version=2.0&audience=sts.amazonaws.com"),
        tokenRequest.pathAndQuery());
    RecordedRequest stsRequest = aws.sts().requests().getFirst();
    assertFalse(stsRequest.headers().containsKey("Authorization"), "AssumeRoleWithWebIdentity is unsigned");
    assertEquals(List.of("AssumeRoleWithWebIdentity"), stsActions(), "no extra GetCallerIdentity call");
    assertEquals("GitHubActions", stsRequest.params().get("RoleSessionName"));
    assertEquals("3600", stsRequest.params().get("DurationSeconds"));
  }

  @Test
  void theAwsCliWorksWithTheExportedCredentials() throws Exception {
    Assumptions.assumeTrue(onPath("aws"), "the AWS CLI is not installed (.ci/run installs it)");
    ActionRun.Result result = action().run();
    assertEquals(0, result.exitCode(), result.describe());

    // a later step: only what the action exported, as the runner would hand it on
    ProcessBuilder cli = new ProcessBuilder("aws", "sts", "get-caller-identity", "--output", "text",
        "--query", "Arn", "--endpoint-url", aws.sts().endpointUrl()).redirectErrorStream(true);
    cli.environment().clear();
    cli.environment().put("PATH", System.getenv("PATH"));
    cli.environment().put("HOME", dir.toString());
    cli.environment().putAll(result.exportedEnv());
    Process process = cli.start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    assertEquals(0, process.waitFor(), output);
    assertEquals(aws.sts().sessions().getFirst().assumedRoleArn(), output);
    RecordedRequest signed = aws.sts().requests().getLast();
    assertEquals("GetCallerIdentity", signed.params().get("Action"));
    assertTrue(signed.headers().get("Authorization").getFirst().startsWith("AWS4-HMAC-SHA256 Credential="
        + aws.sts().sessions().getFirst().accessKeyId() + "/"), "signed with the exported key, checked by the emulator");
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  @Test
  void theStepSummaryTellsWhatWasAssumedOrWhatFailed() throws Exception {
    ActionRun.Result success = action().input("role-session-name", "summary-check").run();
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    for (String expected : List.of(LocalAws.ROLE_ARN, "summary-check", "111122223333", session.assumedRoleArn(),
        session.expiration().toString(), "3600 s", "repo:octo-org/octo-repo:ref:refs/heads/main")) {
      assertTrue(success.summary().contains(expected), expected + " in\n" + success.summary());
    }

    aws.oidc().withRepository("octo-org/elsewhere");
    ActionRun.Result failure = action().run();
    assertEquals(1, failure.exitCode());
    for (String expected : List.of("Role trust policy does not allow this job", "\"StringLike\"",
        "repo:octo-org/elsewhere:ref:refs/heads/main", "No credentials were exported",
        "The cause is permanent")) {
      assertTrue(failure.summary().contains(expected), expected + " in\n" + failure.summary());
    }
  }

  @Test
  void outputsCredentialsAndMasksTheAccountWhenAsked() throws Exception {
    ActionRun.Result result = action()
        .input("output-credentials", "true")
        .input("output-env-credentials", "false")
        .input("mask-aws-account-id", "true")
        .input("role-session-name", "deploy-42")
        .input("role-duration-seconds", "900")
        .input("managed-session-policies", "arn:aws:iam::aws:policy/ReadOnlyAccess")
        .input("inline-session-policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}")
        .run();

    assertEquals(0, result.exitCode(), result.describe());
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    Map<String, String> outputs = result.outputs();
    assertEquals(session.accessKeyId(), outputs.get("aws-access-key-id"));
    assertEquals(session.secretAccessKey(), outputs.get("aws-secret-access-key"));
    assertEquals(session.sessionToken(), outputs.get("aws-session-token"));
    assertEquals(session.expiration(), Instant.parse(outputs.get("aws-expiration")), "ISO-8601, no quotes");
    assertFalse(result.exportedEnv().containsKey("AWS_ACCESS_KEY_ID"));
    assertEquals("ap-northeast-1", result.exportedEnv().get("AWS_REGION"));
    assertTrue(result.stdout().lines().toList().contains("::add-mask::111122223333"));
    assertFalse(result.stdout().replace("::add-mask::111122223333", "").contains("111122223333"),
        result.describe());
    assertFalse(result.summary().contains("111122223333"), result.summary());
    Map<String, String> sent = aws.sts().requests().getFirst().params();
    assertEquals("deploy-42", sent.get("RoleSessionName"));
    assertEquals("900", sent.get("DurationSeconds"));
    assertEquals("arn:aws:iam::aws:policy/ReadOnlyAccess", sent.get("PolicyArns.member.1.arn"));
    assertTrue(sent.get("Policy").contains("s3:*"));
  }

  @Test
  void invalidInputsFailBeforeAnyNetworkCall() throws Exception {
    ActionRun.Result result = action()
        .input("role-duration-seconds", "99999")
        .input("output-credentials", "yes")
        .run();

    assertEquals(1, result.exitCode(), result.describe());
    assertEquals("", result.envFile());
    assertEquals("", result.outputFile());
    assertEquals(List.of(
        "::error title=Invalid input role-duration-seconds::Input 'role-duration-seconds': 99999 is out of range. "
            + "Use a number of seconds from 900 (15 minutes) to 43200 (12 hours), within the role's maximum session duration.",
        "::error title=Invalid input output-credentials::Input 'output-credentials': 'yes' is not a boolean. "
            + "Use true or false."), result.errorLines());
    assertTrue(aws.oidc().requests().isEmpty());
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void missingIdTokenPermissionSaysWhatToAdd() throws Exception {
    ActionRun.Result result = action()
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", null)
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", null)
        .run();

    assertNothingExported(result);
    String error = result.errorLines().getFirst();
    assertTrue(error.startsWith("::error title=Missing permission id-token%3A write::"), error);
    assertTrue(error.contains("permissions: id-token: write"), error);
    assertTrue(error.contains("forks") && error.contains("Dependabot"), error);
    assertTrue(aws.sts().requests().isEmpty());
  }

  @Test
  void trustPolicyMismatchIsExplainedWithTheClaims() throws Exception {
    String mainOnly = "arn:aws:iam::111122223333:role/main-only";
    aws.sts().registerRole(mainOnly, new StsEmulator.TrustPolicy(aws.oidc().issuerUrl(), "sts.amazonaws.com",
        "repo:octo-org/octo-repo:ref:refs/heads/main"));
    aws.oidc().withEnvironment("production");

    ActionRun.Result result = action().input("role-to-assume", mainOnly).run();

    assertNothingExported(result);
    assertTrue(result.errorLines().getFirst().contains("Not authorized to perform sts:AssumeRoleWithWebIdentity"));
    assertTrue(result.stdout().contains("sub: repo:octo-org/octo-repo:environment:production"), result.describe());
    assertTrue(result.stdout().contains("\"StringLike\": { \"" + aws.oidc().issuerUrl().replaceFirst("^https?://", "")
        + ":sub\": \"repo:octo-org/octo-repo:environment:production\" }"), result.describe());
    assertTrue(result.stdout().contains("This job uses an environment"), result.describe());
    assertTrue(result.summary().contains("trust policy"), result.summary());
    assertEquals(List.of("AssumeRoleWithWebIdentity"), stsActions(), "AccessDenied is not retried");
  }

  @Test
  void tokenEndpointOutagesAreRetried() throws Exception {
    aws.oidc().failNext(503, 2);

    ActionRun.Result result = action().run();

    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(3, aws.oidc().requests().size());
    assertTrue(result.exportedEnv().containsKey("AWS_SESSION_TOKEN"));
  }

  @Test
  void aRefusedRequestTokenIsNotRetried() throws Exception {
    ActionRun.Result result = action().env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "stale").run();

    assertNothingExported(result);
    assertTrue(result.errorLines().getFirst().contains("OIDC token request refused (HTTP 401)"), result.describe());
    assertEquals(1, aws.oidc().requests().size());
    assertFalse(result.stdout().contains("stale") && !result.stdout().contains("::add-mask::stale"));
  }

  @Test
  void stsThrottlingIsRetriedBySdk() throws Exception {
    aws.sts().throttleNext(2);

    ActionRun.Result result = action().run();

    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(3, aws.sts().requests().size());
  }

  @Test
  void persistentStsOutageGivesUpAfterTheConfiguredAttempts() throws Exception {
    aws.sts().failNext(503, "ServiceUnavailable", 10);

    ActionRun.Result result = action().input("retry-max-attempts", "2").run();

    assertNothingExported(result);
    assertEquals(2, aws.sts().requests().size());
    assertTrue(result.errorLines().getFirst().contains("ServiceUnavailable"), result.describe());
    assertTrue(result.summary().contains("re-running the job may succeed"), result.summary());
  }

  @Test
  void missingProviderShowsHowToCreateIt() throws Exception {
    try (OidcIssuer stranger = OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start()) {
      ActionRun.Result result = action()
          .env("ACTIONS_ID_TOKEN_REQUEST_URL", stranger.tokenEndpointUrl())
          .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", stranger.requestToken())
          .run();

      assertNothingExported(result);
      assertTrue(result.errorLines().getFirst().startsWith(
          "::error title=No IAM OIDC provider for https%3A//token.actions.githubusercontent.com::"), result.describe());
      assertTrue(result.stdout().contains("aws iam create-open-id-connect-provider --url "
          + "https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com"), result.describe());
      assertTrue(result.stdout().contains("resource \"aws_iam_openid_connect_provider\""), result.describe());
    }
  }

  @Test
  void wrongAudienceNamesTheAudienceInput() throws Exception {
    ActionRun.Result result = action().input("audience", "api://AzureADTokenExchange").run();

    assertNothingExported(result);
    String error = result.errorLines().getFirst();
    assertTrue(error.contains("Token audience not accepted") && error.contains("api%3A//AzureADTokenExchange")
        || error.contains("api://AzureADTokenExchange"), error);
    assertTrue(error.contains("'audience' input"), error);
  }

  @Test
  void durationAboveTheRolesMaximum() throws Exception {
    ActionRun.Result result = action().input("role-duration-seconds", "7200").run();

    assertNothingExported(result);
    String error = result.errorLines().getFirst();
    assertTrue(error.contains("Session longer than the role allows"), error);
    assertTrue(error.contains("--max-session-duration 7200"), error);
  }

  @Test
  void expiredTokensAreFetchedAgainThenExplained() throws Exception {
    aws.oidc().withLifetime(Duration.ofSeconds(-60));

    ActionRun.Result result = action().run();

    assertNothingExported(result);
    assertTrue(result.errorLines().getFirst().contains("ID token expired"), result.describe());
    assertTrue(aws.oidc().requests().size() >= 2, "a fresh token was fetched before giving up");
  }

  @Test
  void unreachableStsNamesTheHostAndWhereItCameFrom() throws Exception {
    ActionRun.Result result = action()
        .input("sts-endpoint", "http://127.0.0.1:9")
        .input("retry-max-attempts", "1")
        .run();

    assertNothingExported(result);
    String error = result.errorLines().getFirst();
    assertTrue(error.contains("Cannot reach STS at 127.0.0.1"), error);
    assertTrue(error.contains("input 'sts-endpoint'"), error);
    assertTrue(error.contains("No proxy is set"), error);
  }

  @Test
  void theOverallTimeoutStopsTheActionAndExportsNothing() throws Exception {
    aws.sts().delayNext(Duration.ofSeconds(8));

    ActionRun.Result result = action().input("action-timeout-s", "2").run();

    assertNothingExported(result);
    assertTrue(result.errorLines().getFirst().contains("Timed out"), result.describe());
    assertTrue(result.took().toSeconds() < 8, "stopped at the deadline, not after STS answered");
  }
}
