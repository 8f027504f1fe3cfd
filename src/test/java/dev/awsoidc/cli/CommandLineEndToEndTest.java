package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsoidc.testing.OidcIssuer;
import dev.awsoidc.testing.AwsCli;
import dev.awsoidc.testing.StsEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end, each output parsed back by its real consumer: {@code env} through bash's
 * {@code eval} and the AWS CLI, {@code credential-process} through an AWS CLI profile, {@code json} through a JSON
 * parser. Roles trust what {@code trust-policy} printed; the STS emulator evaluates those policies and checks
 * every signature.
 */
class CommandLineEndToEndTest {
  private static final String ACCOUNT = "111122223333";
  private static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/ci";

  @TempDir Path dir;
  private final StsEmulator sts = StsEmulator.start();
  private final List<OidcIssuer> issuers = new ArrayList<>();

  @AfterEach
  void stop() {
    issuers.forEach(OidcIssuer::close);
    sts.close();
  }

  private static String trustPolicy(String... options) {
    List<String> args = new ArrayList<>(List.of("trust-policy", "--output", "policy", "--account-id", ACCOUNT));
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Cli.run(args.toArray(String[]::new), Map.of(), new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true));
    assertEquals(0, exit);
    return out.toString(StandardCharsets.UTF_8);
  }

  private OidcIssuer gitlab() {
    OidcIssuer gitlab = OidcIssuer.gitlab();
    issuers.add(gitlab);
    sts.registerProvider(gitlab, "https://gitlab.com");
    sts.registerRole(ROLE, trustPolicy("--gitlab-project", "my-group/my-project", "--branch", "main"));
    return gitlab;
  }

  /** A GitLab job: the token in the id_tokens variable, nothing of GitHub's. */
  private ActionRun gitlabJob(Path where, String token) throws Exception {
    return new ActionRun(Files.createDirectories(where))
        .env("GITHUB_ACTIONS", null).env("RUNNER_ENVIRONMENT", null)
        .env("GITLAB_CI", "true").env("AWS_ID_TOKEN", token)
        .env("AWS_ROLE_ARN", ROLE).env("AWS_REGION", "eu-central-1")
        .args("assume", "--web-identity-token-env", "AWS_ID_TOKEN", "--sts-endpoint", sts.endpointUrl());
  }

  private static String bash(Map<String, String> env, String script) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output.strip();
  }


  @Test
  void aGitLabJobEvalsTheEnvOutputAndTheAwsCliUsesIt() throws Exception {
    OidcIssuer gitlab = gitlab();
    String token = gitlab.issueToken("https://gitlab.com");
    ActionRun.Result result = gitlabJob(dir.resolve("job"), token).run();

    assertEquals(0, result.exitCode(), result.describe());
    StsEmulator.Session session = sts.sessions().getFirst();
    assertEquals(ROLE, session.roleArn());
    assertEquals(StsEmulator.CallerKind.WEB_IDENTITY, session.callerKind());
    assertFalse(result.stdout().contains("::"), "no workflow commands outside GitHub: " + result.describe());
    assertFalse((result.stdout() + result.stderr()).contains(token), "the token is never printed");
    assertFalse(result.stderr().contains(session.secretAccessKey()), "stderr is redacted");
    Path exports = dir.resolve("exports.sh");
    Files.writeString(exports, result.stdout());
    String script = "eval \"$(cat " + exports + ")\"; printf '%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_REGION\"";
    if (AwsCli.present()) {
      script += "; aws sts get-caller-identity --endpoint-url " + sts.endpointUrl() + " --query Arn --output text";
    }
    List<String> lines = bash(Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(),
        "AWS_EC2_METADATA_DISABLED", "true"), script).lines().toList();
    assertEquals(session.accessKeyId(), lines.get(0));
    assertEquals("eu-central-1", lines.get(1));
    if (lines.size() > 2) assertEquals(session.assumedRoleArn(), lines.get(2), "signed with the exported keys");
  }

  @Test
  void aTokenFromAnotherBranchIsRefusedAndStdoutStaysEmpty() throws Exception {
    OidcIssuer gitlab = gitlab();
    String feature = gitlab.newToken().audience("https://gitlab.com")
        .subject("project_path:my-group/my-project:ref_type:branch:ref:feature").signed();
    ActionRun.Result result = gitlabJob(dir.resolve("job"), feature).run();
    assertEquals(1, result.exitCode(), result.describe());
    assertEquals("", result.stdout(), "nothing for eval to pick up");
    assertTrue(result.stderr().startsWith("error: Role trust policy does not allow this job"), result.describe());
    assertFalse(result.stderr().contains(feature));
  }

  @Test
  void usageAndInputErrorsExitWithTwo() throws Exception {
    ActionRun.Result unknown = new ActionRun(dir).args("assume", "--no-such-option").run();
    assertEquals(2, unknown.exitCode(), unknown.describe());
    assertEquals("", unknown.stdout());
    ActionRun.Result badRegion = gitlabJob(dir.resolve("bad"), "x.y.z").env("AWS_REGION", "Not A Region").run();
    assertEquals(2, badRegion.exitCode(), badRegion.describe());
    assertTrue(badRegion.stderr().contains("aws-region"), badRegion.describe());
  }

  @Test
  void aCognitoIdTokenOnStandardInputGivesJson() throws Exception {
    OidcIssuer cognito = OidcIssuer.cognito("eu-west-1", "eu-west-1_AbCdEf123");
    issuers.add(cognito);
    sts.registerProvider(cognito, OidcIssuer.COGNITO_CLIENT_ID);
    sts.registerRole(ROLE, trustPolicy("--cognito-user-pool", "eu-west-1_AbCdEf123", "--cognito-client-id",
        OidcIssuer.COGNITO_CLIENT_ID));
    ActionRun.Result result = new ActionRun(dir).env("GITHUB_ACTIONS", null)
        .stdin(cognito.issueToken(OidcIssuer.COGNITO_CLIENT_ID) + "\n")
        .args("assume", "--web-identity-token-stdin", "--role-to-assume", ROLE, "--aws-region", "eu-west-1",
            "--sts-endpoint", sts.endpointUrl(), "--format", "json")
        .run();
    assertEquals(0, result.exitCode(), result.describe());
    JsonNode json = new ObjectMapper().readTree(result.stdout());
    StsEmulator.Session session = sts.sessions().getFirst();
    assertEquals(session.accessKeyId(), json.path("AccessKeyId").asText());
    assertEquals(session.sessionToken(), json.path("SessionToken").asText());
    assertEquals(ACCOUNT, json.path("AccountId").asText());
    assertEquals(session.assumedRoleArn(), json.path("Arn").asText());
  }

  @Test
  void anAwsCliProfileGetsAndRefreshesCredentialsThroughCredentialProcess() throws Exception {
    assumeTrue(AwsCli.present(), "the AWS CLI is not installed");
    OidcIssuer gitlab = gitlab();
    Path tokenFile = dir.resolve("token.jwt");
    Files.writeString(tokenFile, gitlab.issueToken("https://gitlab.com"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Path config = dir.resolve("config");
    Files.writeString(config, "[profile ci]\nregion = eu-central-1\ncredential_process = " + java
        + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName()
        + " assume --role-to-assume " + ROLE + " --aws-region eu-central-1 --sts-endpoint " + sts.endpointUrl()
        + " --web-identity-token-file " + tokenFile + " --format credential-process\n");
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(),
        "AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString(),
        "AWS_EC2_METADATA_DISABLED", "true");
    String arn = bash(env, "aws sts get-caller-identity --profile ci --endpoint-url " + sts.endpointUrl()
        + " --query Arn --output text");
    assertEquals(sts.sessions().getFirst().assumedRoleArn(), arn);
    // no credential file was written: the CLI asked the process, which wrote only to the CLI's pipe
    assertFalse(Files.exists(dir.resolve(".aws/credentials")));
    // each CLI process asks again (the session is cached only in memory): a new session each time
    bash(env, "aws sts get-caller-identity --profile ci --endpoint-url " + sts.endpointUrl());
    assertEquals(2, sts.sessions().size());
  }

  @Test
  void claimsShowsTheTokensClaimsButNeverTheToken() throws Exception {
    OidcIssuer gitlab = gitlab();
    String token = gitlab.issueToken("https://gitlab.com");
    ActionRun.Result result = new ActionRun(dir).env("AWS_ID_TOKEN", token)
        .args("claims", "--web-identity-token-env", "AWS_ID_TOKEN").run();
    assertEquals(0, result.exitCode(), result.describe());
    assertTrue(result.stdout().contains("project_path:my-group/my-project:ref_type:branch:ref:main"),
        result.describe());
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertFalse((result.stdout() + result.stderr()).contains(signature), "never the signature");
    assertFalse((result.stdout() + result.stderr()).contains(token));
  }
}
