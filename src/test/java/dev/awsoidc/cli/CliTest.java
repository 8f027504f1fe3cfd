package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.export.OutputFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's parsing, help and exit codes, through {@link Cli#run} as Main calls it. */
class CliTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/deploy";
  private static final String OTHER_ROLE = "arn:aws:iam::444455556666:role/other";

  /** One run: exit code, what was printed, and the request the assume hook received (null if none). */
  record Run(int exit, String out, String err, AssumeRequest request) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AssumeRequest[] received = new AssumeRequest[1];
    int exit = Cli.run(args, env, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        request -> {
          received[0] = request;
          return 0;
        });
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), received[0]);
  }

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static void assertUsageError(Run run, String... fragments) {
    assertEquals(Cli.USAGE, run.exit(), run.err());
    assertEquals("", run.out(), "a usage error prints nothing on stdout");
    assertNull(run.request(), "the assume hook must not run on a usage error");
    for (String fragment : fragments) assertTrue(run.err().contains(fragment), () -> run.err());
  }

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    for (String flag : new String[] {"--help", "-h", "help"}) {
      Run run = run(flag);
      assertEquals(0, run.exit());
      assertTrue(run.out().contains("assume") && run.out().contains("claims") && run.out().contains("trust-policy"));
      assertTrue(run.out().contains("2 usage error"));
      assertEquals("", run.err());
    }
  }

  @Test
  void versionIsPrintedOnStdout() {
    Run run = run("--version");
    assertEquals(0, run.exit());
    // tests run from target/classes, where there is no manifest: the jar's value is checked in the container test
    assertTrue(run.out().startsWith("aws-oidc-credentials "), run.out());
  }

  @Test
  void unknownCommandAndNoCommandAreUsageErrors() {
    assertUsageError(run("asume"), "unknown command asume", "assume, claims, trust-policy");
    assertUsageError(run("--bogus"), "unknown option --bogus");
    assertUsageError(run(), "no command given");
  }

  @Test
  void eachCommandHasHelpWithItsOptions() {
    for (String[] command : new String[][] {{"assume", "--role-to-assume"}, {"claims", "--output"},
        {"trust-policy", "--github-repo"}}) {
      Run run = run(command[0], "--help");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().startsWith("Usage: aws-oidc-credentials " + command[0]), run.out());
      assertTrue(run.out().contains(command[1]), run.out());
      assertNull(run.request());
    }
    // --help wins over everything else on the line, even a missing role
    assertEquals(0, run("assume", "--format", "json", "-h").exit());
  }

  @Test
  void assumeMapsEveryOptionToItsActionInput() {
    Run run = run("assume", "--role-to-assume", ROLE, "--aws-region=eu-west-1", "--role-session-name", "ci",
        "--role-duration-seconds", "900", "--audience", "aud", "--sts-endpoint", "http://127.0.0.1:1",
        "--inline-session-policy", "{\"Version\":\"2012-10-17\"}",
        "--managed-session-policies", "arn:aws:iam::aws:policy/A", "--managed-session-policies=arn:aws:iam::aws:policy/B",
        "--http-proxy", "http://proxy:3128", "--no-proxy", "localhost,.internal", "--retry-max-attempts", "2",
        "--action-timeout-s", "30", "--role-external-id", "ext-1", "--allowed-account-ids", "111122223333",
        "--web-identity-token-file", "/tmp/t", "--format", "credential-process");
    assertEquals(0, run.exit(), run.err());
    Map<String, String> expected = new HashMap<>();
    expected.put("role-to-assume", ROLE);
    expected.put("aws-region", "eu-west-1");
    expected.put("role-session-name", "ci");
    expected.put("role-duration-seconds", "900");
    expected.put("audience", "aud");
    expected.put("sts-endpoint", "http://127.0.0.1:1");
    expected.put("inline-session-policy", "{\"Version\":\"2012-10-17\"}");
    expected.put("managed-session-policies", "arn:aws:iam::aws:policy/A\narn:aws:iam::aws:policy/B");
    expected.put("http-proxy", "http://proxy:3128");
    expected.put("no-proxy", "localhost,.internal");
    expected.put("retry-max-attempts", "2");
    expected.put("action-timeout-s", "30");
    expected.put("role-external-id", "ext-1");
    expected.put("allowed-account-ids", "111122223333");
    assertEquals(expected, run.request().inputs());
    assertEquals(new TokenChoice.File(Path.of("/tmp/t")), run.request().token());
    assertEquals(OutputFormat.CREDENTIAL_PROCESS, run.request().format());
  }

  @Test
  void assumeOptionsNameActionInputs() {
    java.util.Set<String> inputs = new java.util.HashSet<>();
    for (dev.awsoidc.config.ActionInput input : dev.awsoidc.config.ActionInput.values()) inputs.add(input.inputName());
    var options = new AssumeCommand(new Command.Streams(Map.of(), null, null, null), r -> 0).options();
    for (OptionSpec option : options) {
      if (option.name().startsWith("web-identity-token-") && !option.name().equals("web-identity-token-file")
          || option.name().equals("format")) continue;
      assertTrue(inputs.contains(option.name()), "--" + option.name() + " is not an action input");
    }
  }

  @Test
  void sdkVariablesAreTheDefaults() {
    Run run = run(Map.of("AWS_ROLE_ARN", ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token",
        "AWS_ROLE_SESSION_NAME", "pod", "AWS_REGION", "us-west-2", "AWS_DEFAULT_REGION", "eu-central-1"), "assume");
    assertEquals(0, run.exit(), run.err());
    assertEquals(Map.of("role-to-assume", ROLE, "role-session-name", "pod", "aws-region", "us-west-2"),
        run.request().inputs());
    assertEquals(new TokenChoice.File(Path.of("/var/run/token")), run.request().token());
    assertEquals(OutputFormat.ENV, run.request().format(), "outside GitHub Actions the default is env");
    // AWS_DEFAULT_REGION when AWS_REGION is missing or blank
    assertEquals("eu-central-1", run(Map.of("AWS_ROLE_ARN", ROLE, "AWS_REGION", " ", "AWS_DEFAULT_REGION",
        "eu-central-1", "AWS_WEB_IDENTITY_TOKEN_FILE", "/t"), "assume").request().inputs().get("aws-region"));
  }

  @Test
  void optionsWinOverVariables() {
    Run run = run(Map.of("AWS_ROLE_ARN", ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token",
        "AWS_ROLE_SESSION_NAME", "pod", "AWS_REGION", "us-west-2"),
        "assume", "--role-to-assume", OTHER_ROLE, "--role-session-name", "mine", "--aws-region", "ap-south-1",
        "--web-identity-token-env", "AWS_ID_TOKEN");
    assertEquals(Map.of("role-to-assume", OTHER_ROLE, "role-session-name", "mine", "aws-region", "ap-south-1"),
        run.request().inputs());
    assertEquals(new TokenChoice.Variable("AWS_ID_TOKEN"), run.request().token());
  }

  @Test
  void tokenSourceChoice() {
    Map<String, String> runner = Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "https://runner/token",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "secret", "GITHUB_ACTIONS", "true", "AWS_ROLE_ARN", ROLE,
        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/eks-token");
    Run inGitHub = run(runner, "assume");
    // a job granted id-token: write means the runner's token, even on a pod that carries an EKS token file
    assertEquals(new TokenChoice.GitHubRunner(), inGitHub.request().token());
    assertEquals(OutputFormat.GITHUB, inGitHub.request().format());
    assertEquals(new TokenChoice.Stdin(), run(runner, "assume", "--web-identity-token-stdin").request().token());
    assertEquals(OutputFormat.ENV, run(runner, "assume", "--format", "env").request().format());
  }

  @Test
  void tokenSourcesAreMutuallyExclusive() {
    assertUsageError(run("assume", "--role-to-assume", ROLE, "--web-identity-token-file", "/t",
        "--web-identity-token-stdin"), "--web-identity-token-file and --web-identity-token-stdin", "only one");
    assertUsageError(run("claims", "--web-identity-token-env", "T", "--web-identity-token-file", "/t"),
        "--web-identity-token-file and --web-identity-token-env");
  }

  @Test
  void missingRoleOrTokenNamesTheOptionsAndVariables() {
    assertUsageError(run("assume", "--web-identity-token-file", "/t"), "--role-to-assume", "AWS_ROLE_ARN");
    assertUsageError(run("assume", "--role-to-assume", ROLE), "--web-identity-token-file",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "id-token: write");
  }

  @Test
  void badValuesAndUnknownOptionsAreUsageErrors() {
    assertUsageError(run("assume", "--role-to-assume", ROLE, "--web-identity-token-stdin", "--format", "yaml"),
        "--format 'yaml'", "github, env, credential-process, json");
    assertUsageError(run("assume", "--role-to-asume", ROLE), "unknown option --role-to-asume");
    assertUsageError(run("assume", "--role-to-assume"), "--role-to-assume needs a value");
    assertUsageError(run("assume", "--role-to-assume", "--web-identity-token-stdin"), "--role-to-assume needs a value",
        "--role-to-assume=VALUE");
    assertUsageError(run("assume", "--role-to-assume", ROLE, "--role-to-assume", ROLE), "given twice");
    assertUsageError(run("assume", "--web-identity-token-stdin=yes"), "takes no value");
    assertUsageError(run("assume", ROLE), "unexpected argument");
    assertUsageError(run("assume", "--role-to-assume", " ", "--web-identity-token-stdin"), "--role-to-assume is empty");
  }

  @Test
  void aTokenPassedAsTheVariableNameIsRefusedWithoutEchoingIt() {
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    Run run = run("assume", "--role-to-assume", ROLE, "--web-identity-token-env", token);
    assertUsageError(run, "--web-identity-token-env takes the NAME");
    assertTrue(!run.err().contains(token) && !run.err().contains("c2lnbmF0dXJl"), run.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"github", "env", "credential-process", "json"})
  void everyFormatName(String name) {
    Run run = run("assume", "--role-to-assume", ROLE, "--web-identity-token-stdin", "--format=" + name);
    assertEquals(name, run.request().format().cliName());
  }

  /** Main hands its arguments to Cli and exits with its code; stdout holds only the output. */
  @Test
  void mainRunsTheCommandLineInItsOwnProcess() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder ok = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "trust-policy", "--github-repo", "octo-org/octo-repo", "--branch", "main", "--output", "terraform");
    ok.environment().clear();
    Process process = ok.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), err);
    assertTrue(out.startsWith("# One provider per account") && out.contains("repo:octo-org/octo-repo:ref:refs/heads/main"),
        out);
    assertEquals("", err);

    ProcessBuilder bad = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "assume", "--format", "yaml");
    bad.environment().clear();
    Process usage = bad.start();
    assertEquals("", new String(usage.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(new String(usage.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).startsWith("error: "));
    assertEquals(2, usage.waitFor());
  }

  @Test
  void theDefaultRunnerSaysItIsNotWiredAndFails() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(new String[] {"assume", "--role-to-assume", ROLE, "--web-identity-token-stdin"}, Map.of(),
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
    assertEquals(1, exit);
    assertEquals("assume: not wired yet\n", err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void requestToStringShowsNoValues() {
    Run run = run("assume", "--role-to-assume", ROLE, "--http-proxy", "http://user:pa55word@proxy:3128",
        "--web-identity-token-stdin");
    assertTrue(!run.request().toString().contains("pa55word"), run.request().toString());
  }
}
