package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.AwsCli;
import dev.awsoidc.testing.StsEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every credential path of the reference action, end to end through the entrypoint, against the STS emulator
 * that verifies each SigV4 signature against the secret it issued and evaluates each role's trust policy.
 */
class CredentialPathsEndToEndTest {
  private static final String ACCOUNT = "111122223333";
  private static final String TARGET_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/deploy-target";
  private static final String USER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/ci";

  @TempDir Path dir;
  private LocalAws aws;
  private StsEmulator.User user;

  @BeforeEach
  void start() {
    aws = new LocalAws(0, 0, null, null);
    user = aws.sts().registerUser(USER_ARN);
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  private static String trustAws(String principal, boolean tagSession, String condition) {
    return """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},
         "Action":%s%s}]}""".formatted(principal,
        tagSession ? "[\"sts:AssumeRole\",\"sts:TagSession\"]" : "\"sts:AssumeRole\"",
        condition == null ? "" : ",\"Condition\":" + condition);
  }

  /** A job on a self-hosted runner with no OIDC token: only what the path needs. */
  private ActionRun action() throws Exception {
    return new ActionRun(dir)
        .env("RUNNER_ENVIRONMENT", "self-hosted")
        .env("AWS_ENDPOINT_URL_STS", aws.sts().endpointUrl())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(Map.of("GITHUB_REPOSITORY", "octo-org/octo-repo", "GITHUB_WORKFLOW", "CI", "GITHUB_ACTION", "__run",
            "GITHUB_ACTOR", "MY-USERNAME[bot]", "GITHUB_SHA", "a".repeat(40), "GITHUB_REF", "refs/heads/main",
            "GITHUB_RUN_ID", "1234567890", "GITHUB_JOB", "deploy", "GITHUB_EVENT_NAME", "push"))
        .input("aws-region", "eu-west-1");
  }

  private ActionRun withKeys(ActionRun run) {
    return run.input("aws-access-key-id", user.accessKeyId()).input("aws-secret-access-key", user.secretAccessKey());
  }

  private static void assertNothingWritten(ActionRun.Result result) {
    assertEquals(1, result.exitCode(), result.describe());
    assertEquals("", result.envFile(), "nothing in GITHUB_ENV: " + result.describe());
    assertEquals("", result.outputFile(), "nothing in GITHUB_OUTPUT");
  }

  private static void assertNeverPrinted(ActionRun.Result result, String... secrets) {
    for (String secret : secrets) {
      for (String line : (result.stdout() + result.stderr()).lines().toList()) {
        if (line.equals("::add-mask::" + secret)) continue;
        assertFalse(line.contains(secret), "a secret was printed: " + line);
      }
    }
  }

  @Test
  void accessKeysAreHandedOnAsTheyAreAfterGetCallerIdentity() throws Exception {
    ActionRun.Result result = withKeys(action()).run();

    assertEquals(0, result.exitCode(), result.describe());
    Map<String, String> env = result.exportedEnv();
    assertEquals(user.accessKeyId(), env.get("AWS_ACCESS_KEY_ID"));
    assertEquals(user.secretAccessKey(), env.get("AWS_SECRET_ACCESS_KEY"));
    assertEquals("", env.get("AWS_SESSION_TOKEN"), "blanked: a token left from an earlier step would not match");
    assertEquals(Map.of("aws-account-id", ACCOUNT, "authenticated-arn", USER_ARN), result.outputs());
    List<StsEmulator.SignedRequest> signed = aws.sts().signedRequests();
    assertEquals(1, signed.size());
    assertEquals("GetCallerIdentity", signed.getFirst().action());
    assertEquals(user.accessKeyId(), signed.getFirst().accessKeyId(), "signed with the given keys");
    List<String> lines = result.stdout().lines().toList();
    assertEquals("::add-mask::" + user.accessKeyId(), lines.get(0), "the keys are masked first: " + result.describe());
    assertEquals("::add-mask::" + user.secretAccessKey(), lines.get(1));
    assertEquals(1, lines.stream().filter(("::add-mask::" + user.secretAccessKey())::equals).count(), "once");
    assertNeverPrinted(result, user.accessKeyId(), user.secretAccessKey());
  }

  @Test
  void accessKeysAssumeARoleSignedWithThemWithTheRunsSessionTagsAndExternalId() throws Exception {
    aws.sts().registerRole(TARGET_ROLE, trustAws(USER_ARN, true,
        "{\"StringEquals\":{\"sts:ExternalId\":\"ext-123\"}}"));
    ActionRun.Result result = withKeys(action()).input("role-to-assume", TARGET_ROLE)
        .input("role-external-id", "ext-123")
        .input("transitive-tag-keys", "Repository")
        .input("custom-tags", "{\"Team\": \"payments\", \"Tier\": 2}")
        .run();

    assertEquals(0, result.exitCode(), result.describe());
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    assertEquals(TARGET_ROLE, session.roleArn());
    assertEquals(USER_ARN, session.callerArn(), "AssumeRole was signed with the input keys");
    assertEquals("ext-123", session.externalId());
    assertEquals("Actions", session.tags().get("GitHub"));
    assertEquals("octo-org/octo-repo", session.tags().get("Repository"));
    assertEquals("MY-USERNAME_bot_", session.tags().get("Actor"), "sanitised to STS's character class");
    assertEquals("refs/heads/main", session.tags().get("Branch"));
    assertEquals("1234567890", session.tags().get("RunId"));
    assertEquals("payments", session.tags().get("Team"));
    assertEquals("2", session.tags().get("Tier"));
    assertEquals(List.of("Repository"), session.transitiveTagKeys());
    Map<String, String> env = result.exportedEnv();
    assertEquals(session.accessKeyId(), env.get("AWS_ACCESS_KEY_ID"));
    assertEquals(session.sessionToken(), env.get("AWS_SESSION_TOKEN"));
    assertEquals(session.assumedRoleArn(), result.outputs().get("authenticated-arn"));
    assertNeverPrinted(result, user.secretAccessKey(), session.secretAccessKey(), session.sessionToken());
  }

  @Test
  void aTrustPolicyWithoutTagSessionIsExplainedAndSkipTaggingWorks() throws Exception {
    aws.sts().registerRole(TARGET_ROLE, trustAws(USER_ARN, false, null));
    ActionRun.Result refused = withKeys(action()).input("role-to-assume", TARGET_ROLE).run();
    assertNothingWritten(refused);
    assertTrue(refused.errorLines().getFirst().contains("Role does not allow session tags"), refused.describe());
    assertTrue(refused.errorLines().getFirst().contains("role-skip-session-tagging"), refused.describe());
    assertTrue(refused.stdout().contains("STS AssumeRole answered HTTP 403: AccessDenied"), "STS's words verbatim");

    aws.sts().clearRequests();
    ActionRun.Result untagged = withKeys(action()).input("role-to-assume", TARGET_ROLE)
        .input("role-skip-session-tagging", "true").run();
    assertEquals(0, untagged.exitCode(), untagged.describe());
    assertTrue(aws.sts().sessions().getLast().tags().isEmpty());
  }

  @Test
  void aWrongSecretIsRefusedBySigV4AndNamedWithoutShowingIt() throws Exception {
    String wrong = (user.secretAccessKey().startsWith("x") ? "y" : "x") + user.secretAccessKey().substring(1);
    ActionRun.Result result = action().input("aws-access-key-id", user.accessKeyId())
        .input("aws-secret-access-key", wrong).run();
    assertNothingWritten(result);
    assertTrue(result.errorLines().getFirst().contains("Secret key does not match the access key"),
        result.describe());
    assertNeverPrinted(result, wrong, user.accessKeyId());
  }

  @Test
  void tooLargeSessionTagsAreDroppedOnceAndRetried() throws Exception {
    aws.sts().registerRole(TARGET_ROLE, trustAws(USER_ARN, true, null));
    // room for the fixed tags, not for the droppable ones as well
    aws.sts().packedPolicyLimit(150);
    ActionRun.Result result = withKeys(action()).input("role-to-assume", TARGET_ROLE).run();

    assertEquals(0, result.exitCode(), result.describe());
    long assumeCalls = aws.sts().requests().stream().filter(r -> "AssumeRole".equals(r.params().get("Action"))).count();
    assertEquals(2, assumeCalls, "one refused, one without the droppable tags");
    Map<String, String> tags = aws.sts().sessions().getFirst().tags();
    assertTrue(tags.containsKey("Repository"));
    assertFalse(tags.containsKey("RunId") || tags.containsKey("Job") || tags.containsKey("EventName"), tags::toString);
  }

  @Test
  void aBareRoleNameIsCompletedFromTheKeysAccount() throws Exception {
    aws.sts().registerRole(TARGET_ROLE, trustAws(USER_ARN, true, null));
    ActionRun.Result result = withKeys(action()).input("role-to-assume", "deploy-target").run();
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(TARGET_ROLE, aws.sts().sessions().getFirst().roleArn());
  }

  @Test
  void roleChainingSignsWithTheEarlierStepsCredentialsAndExplainsTheOneHourCap() throws Exception {
    String firstRole = "arn:aws:iam::" + ACCOUNT + ":role/first";
    aws.sts().registerRole(firstRole, trustAws(USER_ARN, true, null));
    aws.sts().registerRole(TARGET_ROLE, trustAws(firstRole, true, null));
    ActionRun.Result first = withKeys(action()).input("role-to-assume", firstRole).run();
    assertEquals(0, first.exitCode(), first.describe());
    Map<String, String> earlier = first.exportedEnv();

    ActionRun.Result chained = action().env(earlier).input("role-to-assume", TARGET_ROLE)
        .input("role-chaining", "true").run();
    assertEquals(0, chained.exitCode(), chained.describe());
    StsEmulator.Session session = aws.sts().sessions().getLast();
    assertEquals(TARGET_ROLE, session.roleArn());
    assertEquals(StsEmulator.CallerKind.ASSUMED_ROLE, session.callerKind(), "signed with the first session");
    assertEquals(earlier.get("AWS_ACCESS_KEY_ID"), aws.sts().signedRequests().getLast().accessKeyId());

    ActionRun.Result tooLong = action().env(earlier).input("role-to-assume", TARGET_ROLE)
        .input("role-chaining", "true").input("role-duration-seconds", "7200").run();
    assertNothingWritten(tooLong);
    assertTrue(tooLong.errorLines().getFirst().contains("Chained sessions last at most 1 hour"), tooLong.describe());

    ActionRun.Result nothingToChain = action().input("role-to-assume", TARGET_ROLE).input("role-chaining", "true").run();
    assertNothingWritten(nothingToChain);
    assertTrue(nothingToChain.errorLines().getFirst().contains("No credentials to sign AssumeRole with"),
        nothingToChain.describe());
  }

  @Test
  void aWebIdentityTokenFileRelativeToTheWorkspaceIsExchanged() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    String token = aws.oidc().issueToken(LocalAws.AUDIENCE);
    Files.writeString(workspace.resolve("token.jwt"), token + "\n");
    ActionRun.Result result = action().env("GITHUB_WORKSPACE", workspace.toString())
        .input("role-to-assume", LocalAws.ROLE_ARN).input("web-identity-token-file", "token.jwt").run();

    assertEquals(0, result.exitCode(), result.describe());
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    assertEquals(StsEmulator.CallerKind.WEB_IDENTITY, session.callerKind());
    assertTrue(session.tags().isEmpty(), "no session tags on AssumeRoleWithWebIdentity");
    assertEquals(session.accessKeyId(), result.exportedEnv().get("AWS_ACCESS_KEY_ID"));
    assertNeverPrinted(result, token);

    Files.createSymbolicLink(workspace.resolve("link.jwt"), workspace.resolve("token.jwt"));
    ActionRun.Result symlink = action().env("GITHUB_WORKSPACE", workspace.toString())
        .input("role-to-assume", LocalAws.ROLE_ARN).input("web-identity-token-file", "link.jwt").run();
    assertNothingWritten(symlink);
    assertTrue(symlink.describe().contains("symbolic link"), symlink.describe());
  }

  @Test
  void aTokenWithoutExpiryIsRefusedByStsAndTheDiagnosisSaysWhy() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    String token = aws.oidc().newToken().audience(LocalAws.AUDIENCE).withoutExpiry().signed();
    Files.writeString(workspace.resolve("token.jwt"), token);
    ActionRun.Result result = action().env("GITHUB_WORKSPACE", workspace.toString())
        .input("role-to-assume", LocalAws.ROLE_ARN).input("web-identity-token-file", "token.jwt").run();

    assertNothingWritten(result);
    assertEquals(1, aws.sts().requestIds().size(), "sent once, not retried: " + result.describe());
    String error = result.errorLines().getFirst();
    assertTrue(error.startsWith("::error title=Identity token has no expiry::"), result.describe());
    assertTrue(error.contains("InvalidIdentityToken") || result.stdout().contains("InvalidIdentityToken"),
        result.describe());
    assertTrue(error.contains("no numeric 'exp' claim"), result.describe());
    assertNeverPrinted(result, token);

    // the same refusal for a token that has exp: the usual advice, not this one
    Files.writeString(workspace.resolve("token.jwt"),
        aws.oidc().newToken().audience(LocalAws.AUDIENCE).claim("iss", "https://elsewhere.example").signed());
    ActionRun.Result other = action().env("GITHUB_WORKSPACE", workspace.toString())
        .input("role-to-assume", LocalAws.ROLE_ARN).input("web-identity-token-file", "token.jwt").run();
    assertNothingWritten(other);
    assertFalse(other.errorLines().getFirst().contains("no expiry"), other.describe());
  }

  @Test
  void allowedAccountIdsGuardsEveryPathBeforeAnythingIsWritten() throws Exception {
    ActionRun.Result keys = withKeys(action()).input("allowed-account-ids", "444455556666, 777788889999").run();
    assertNothingWritten(keys);
    assertTrue(keys.errorLines().getFirst().contains("Account not allowed"), keys.describe());

    aws.sts().clearRequests();
    ActionRun.Result role = withKeys(action()).input("role-to-assume", TARGET_ROLE)
        .input("allowed-account-ids", "444455556666").run();
    assertNothingWritten(role);
    assertTrue(role.errorLines().getFirst().contains("Invalid input allowed-account-ids"), role.describe());
    assertTrue(aws.sts().requests().isEmpty(), "a role in another account is refused before any call");

    ActionRun.Result allowed = withKeys(action()).input("allowed-account-ids", "444455556666," + ACCOUNT).run();
    assertEquals(0, allowed.exitCode(), allowed.describe());
  }

  @Test
  void conflictingInputsNameBoth() throws Exception {
    ActionRun.Result keysAndFile = withKeys(action()).input("role-to-assume", TARGET_ROLE)
        .input("web-identity-token-file", "/tmp/token").run();
    assertNothingWritten(keysAndFile);
    String error = keysAndFile.errorLines().getFirst();
    assertTrue(error.contains("aws-access-key-id") && error.contains("web-identity-token-file"), error);

    ActionRun.Result skipOidc = action().input("role-to-assume", TARGET_ROLE).input("force-skip-oidc", "true").run();
    assertNothingWritten(skipOidc);
    error = skipOidc.errorLines().getFirst();
    assertTrue(error.contains("force-skip-oidc") && error.contains("role-to-assume"), error);

    ActionRun.Result bareOnOidc = new ActionRun(dir).env(Map.of(
            "ACTIONS_ID_TOKEN_REQUEST_URL", aws.oidc().tokenEndpointUrl(),
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN", aws.oidc().requestToken()))
        .input("aws-region", "eu-west-1").input("role-to-assume", "deploy").run();
    assertNothingWritten(bareOnOidc);
    assertTrue(bareOnOidc.errorLines().getFirst().contains("a bare role name needs the account"),
        bareOnOidc.describe());
    assertTrue(aws.sts().requests().isEmpty() && aws.oidc().requests().isEmpty(), "refused before any request");
  }

  @Test
  void useExistingCredentialsKeepsWorkingOnesAndFalseMeansFalse() throws Exception {
    Map<String, String> existing = Map.of("AWS_ACCESS_KEY_ID", user.accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", user.secretAccessKey());
    aws.sts().registerRole(TARGET_ROLE, trustAws(USER_ARN, true, null));
    ActionRun.Result kept = action().env(existing).input("role-to-assume", TARGET_ROLE)
        .input("role-chaining", "true").input("use-existing-credentials", "true").run();
    assertEquals(0, kept.exitCode(), kept.describe());
    assertEquals("", kept.envFile(), "nothing exported: the existing credentials stay");
    assertTrue(kept.stdout().contains("::notice::Pre-existing credentials are valid"), kept.describe());
    assertTrue(aws.sts().sessions().isEmpty());

    ActionRun.Result renewed = action().env(existing).input("role-to-assume", TARGET_ROLE)
        .input("role-chaining", "true").input("use-existing-credentials", "false").run();
    assertEquals(0, renewed.exitCode(), renewed.describe());
    assertEquals(1, aws.sts().sessions().size(), "'false' means false: a new session");
  }

  @Test
  void thePlainVariablesTheReferenceTranslatesWork() throws Exception {
    aws.sts().registerRole(TARGET_ROLE, trustAws(USER_ARN, true, null));
    ActionRun.Result result = withKeys(new ActionRun(dir).env("RUNNER_ENVIRONMENT", "self-hosted")
        .env("AWS_ENDPOINT_URL_STS", aws.sts().endpointUrl())
        .env(Map.of("AWS_REGION", "ap-south-1", "ROLE_TO_ASSUME", TARGET_ROLE, "ROLE_SESSION_NAME", "from-env",
            "ROLE_SKIP_SESSION_TAGGING", "true"))).run();
    assertEquals(0, result.exitCode(), result.describe());
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    assertEquals("from-env", session.sessionName());
    assertEquals("ap-south-1", result.exportedEnv().get("AWS_REGION"));
  }

  @Test
  void thePostStepBlanksWhatTheMainStepExported() throws Exception {
    ActionRun.Result main = withKeys(action()).run();
    assertEquals(0, main.exitCode(), main.describe());
    Map<String, String> state = dev.awsoidc.runner.RunnerFileParser.parse(main.stateFile());
    assertEquals("true", state.get("isPost"));

    ActionRun post = new ActionRun(Files.createDirectories(dir.resolve("post-step-dir")));
    state.forEach((name, value) -> post.env("STATE_" + name, value));
    ActionRun.Result cleaned = post.run();
    assertEquals(0, cleaned.exitCode(), cleaned.describe());
    Map<String, String> blanked = cleaned.exportedEnv();
    for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION")) {
      assertEquals("", blanked.get(name), name + " blanked: " + cleaned.envFile());
    }
    assertTrue(aws.sts().requests().size() == 1, "the post step calls nothing");

    ActionRun skipped = new ActionRun(dir.resolve("post-step-dir")).env("AWS_SKIP_CLEANUP_STEP", "true");
    state.forEach((name, value) -> skipped.env("STATE_" + name, value));
    assertEquals("", skipped.run().envFile(), "AWS_SKIP_CLEANUP_STEP: true");
  }

  @Test
  void aNamedProfileWorksForTheAwsCliInALaterStep() throws Exception {
    Path runnerTemp = Files.createDirectories(dir.resolve("runner-temp"));
    ActionRun.Result result = withKeys(action()).env("RUNNER_TEMP", runnerTemp.toString())
        .input("aws-profile", "ci-keys").run();
    assertEquals(0, result.exitCode(), result.describe());
    Map<String, String> env = result.exportedEnv();
    assertFalse(env.containsKey("AWS_ACCESS_KEY_ID"), "aws-profile turns the variables off by default");
    Path credentials = Path.of(env.get("AWS_SHARED_CREDENTIALS_FILE"));
    assertTrue(Files.readString(credentials).contains("[ci-keys]"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(credentials)));
    if (!AwsCli.present()) return;
    ProcessBuilder cli = new ProcessBuilder("aws", "sts", "get-caller-identity", "--profile", "ci-keys",
        "--endpoint-url", aws.sts().endpointUrl(), "--output", "text", "--query", "Arn");
    cli.environment().clear();
    cli.environment().putAll(Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(),
        "AWS_CONFIG_FILE", env.get("AWS_CONFIG_FILE"), "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(),
        "AWS_EC2_METADATA_DISABLED", "true"));
    Process process = cli.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    assertEquals(USER_ARN, output, "the CLI's call was signed with the profile's keys and verified by the emulator");
  }


  @Test
  void aHostedRunnerWithoutATokenFailsAtOnceAsAMissingPermission() throws Exception {
    ActionRun.Result result = new ActionRun(dir).input("aws-region", "eu-west-1")
        .input("role-to-assume", TARGET_ROLE).run();
    assertNothingWritten(result);
    assertTrue(result.errorLines().getFirst().contains("Missing permission id-token%3A write"), result.describe());
    assertTrue(result.took().compareTo(Duration.ofSeconds(10)) < 0);
  }

  @Test
  void aSelfHostedRunnerUsesItsInstanceProfileOnThisPathOnly() throws Exception {
    String instanceRole = "arn:aws:iam::" + ACCOUNT + ":role/runner-role";
    aws.sts().registerRole(instanceRole, trustAws(USER_ARN, true, null));
    aws.sts().registerRole(TARGET_ROLE, trustAws(instanceRole, true, null));
    // the instance's credentials: a session of its role, as EC2 hands them out
    StsEmulator.Session instance;
    try (var client = software.amazon.awssdk.services.sts.StsClient.builder()
        .endpointOverride(java.net.URI.create(aws.sts().endpointUrl()))
        .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(user.accessKeyId(),
                user.secretAccessKey())))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
        .build()) {
      client.assumeRole(b -> b.roleArn(instanceRole).roleSessionName("i-0123456789abcdef0"));
      instance = aws.sts().sessions().getFirst();
    }
    try (FakeInstanceMetadata imds = new FakeInstanceMetadata()
        .serving(instance.accessKeyId(), instance.secretAccessKey(), instance.sessionToken())) {
      ActionRun.Result result = action().env("AWS_EC2_METADATA_DISABLED", null)
          .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())
          .input("role-to-assume", TARGET_ROLE).run();
      assertEquals(0, result.exitCode(), result.describe());
      StsEmulator.Session session = aws.sts().sessions().getLast();
      assertEquals(TARGET_ROLE, session.roleArn());
      assertEquals(instance.accessKeyId(), aws.sts().signedRequests().getLast().accessKeyId(),
          "AssumeRole was signed with the instance's credentials");
      assertEquals(session.accessKeyId(), result.exportedEnv().get("AWS_ACCESS_KEY_ID"));
      assertNeverPrinted(result, instance.secretAccessKey(), instance.sessionToken(), session.secretAccessKey());

      // the other paths never look at instance metadata
      int lookups = imds.requests().size();
      assertEquals(0, withKeys(action().env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())).run().exitCode());
      assertEquals(lookups, imds.requests().size(), "access keys: no instance metadata lookup");
    }
  }

  @Test
  void aContainerThatCannotReachInstanceMetadataIsToldAboutTheHopLimit() throws Exception {
    try (FakeInstanceMetadata imds = new FakeInstanceMetadata().hopLimitOne()) {
      ActionRun.Result result = action().env("AWS_EC2_METADATA_DISABLED", null)
          .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint())
          .input("role-to-assume", TARGET_ROLE).run();
      assertNothingWritten(result);
      String error = result.errorLines().getFirst();
      assertTrue(error.contains("Instance metadata unreachable from the container"), result.describe());
      assertTrue(result.stdout().contains("--http-put-response-hop-limit 2"), result.describe());
      assertTrue(result.took().compareTo(Duration.ofSeconds(20)) < 0, "took " + result.took());
    }
  }
}
