package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.runner.WorkflowCommand;
import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.StsEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario, success and failure, with step debug logging on (RUNNER_DEBUG=1): no secret may appear in
 * stdout, stderr or the step summary, except as the data of its own {@code ::add-mask::} line.
 */
class SecretLeakTest {
  @TempDir Path dir;

  static Stream<Arguments> scenarios() {
    return Stream.of(
        scenario("success", (aws, run) -> {}),
        scenario("success with outputs and masked account", (aws, run) -> run
            .input("output-credentials", "true").input("mask-aws-account-id", "true")),
        scenario("token endpoint 503 then success", (aws, run) -> aws.oidc().failNext(503, 2)),
        scenario("token endpoint reset then success", (aws, run) -> aws.oidc().resetNext(2)),
        scenario("STS throttling then success", (aws, run) -> aws.sts().throttleNext(1)),
        scenario("STS IDPCommunicationError then success", (aws, run) -> aws.sts().idpCommunicationErrorNext(1)),
        scenario("STS connection reset then success", (aws, run) -> aws.sts().resetNext()),
        scenario("request token refused", (aws, run) -> run.env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "not-the-token")),
        scenario("access denied", (aws, run) -> aws.oidc().withRepository("octo-org/other")),
        scenario("wrong audience", (aws, run) -> run.input("audience", "example.com")),
        scenario("expired token", (aws, run) -> aws.oidc().withLifetime(Duration.ofSeconds(-10))),
        scenario("duration above the role maximum", (aws, run) -> run.input("role-duration-seconds", "43200")),
        scenario("STS unreachable", (aws, run) -> run.input("sts-endpoint", "http://127.0.0.1:9")
            .input("retry-max-attempts", "1")),
        scenario("STS outage", (aws, run) -> {
          aws.sts().failNext(500, "InternalFailure", 3);
          run.input("retry-max-attempts", "2");
        }),
        scenario("timeout", (aws, run) -> {
          aws.sts().delayNext(Duration.ofSeconds(6));
          run.input("action-timeout-s", "1");
        }));
  }

  private static Arguments scenario(String name, BiConsumer<LocalAws, ActionRun> setup) {
    return Arguments.of(name, setup);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void noSecretIsPrintedUnmasked(String name, BiConsumer<LocalAws, ActionRun> setup) throws Exception {
    try (LocalAws aws = new LocalAws(0, 0, null, null)) {
      ActionRun run = new ActionRun(dir)
          .env(Map.of(
              "RUNNER_DEBUG", "1",
              "ACTIONS_ID_TOKEN_REQUEST_URL", aws.oidc().tokenEndpointUrl(),
              "ACTIONS_ID_TOKEN_REQUEST_TOKEN", aws.oidc().requestToken(),
              "AWS_ENDPOINT_URL_STS", aws.sts().endpointUrl()))
          .input("role-to-assume", LocalAws.ROLE_ARN)
          .input("aws-region", "us-east-1");
      setup.accept(aws, run);

      ActionRun.Result result = run.run();

      List<String> secrets = new ArrayList<>(aws.oidc().servedTokens());
      secrets.add(aws.oidc().requestToken());
      for (StsEmulator.Session session : aws.sts().sessions()) {
        secrets.addAll(List.of(session.accessKeyId(), session.secretAccessKey(), session.sessionToken()));
      }
      secrets.add("not-the-token");
      assertTrue(result.stdout().contains("::debug::"), "debug output was on: " + result.describe());
      for (String stream : List.of(result.stdout(), result.stderr())) {
        for (String line : stream.lines().toList()) {
          for (String secret : secrets) {
            if (line.contains(secret)) {
              assertTrue(line.equals("::add-mask::" + WorkflowCommand.escapeData(secret)),
                  name + ": a secret was printed outside its add-mask line: " + line.replace(secret, "<SECRET>"));
            }
          }
        }
      }
      String summary = Files.readString(Path.of(dir.resolve("github_step_summary_file").toString()));
      for (String secret : secrets) assertFalse(summary.contains(secret), name + ": secret in the step summary");
    }
  }
}
