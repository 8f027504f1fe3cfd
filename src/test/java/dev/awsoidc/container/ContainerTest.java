package dev.awsoidc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.runner.RunnerFileParser;
import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.StsEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs the action's image ({@link ActionImage}: built from the Dockerfile once per test run) the way the GitHub runner does
 * (actions-runtime.md §1.4): env for inputs and file commands, /github/file_commands and /github/workspace bind
 * mounts, --workdir /github/workspace, HOME=/github/home, root, host network to reach the in-process emulators.
 * Skipped with -DskipContainerTests=true or when no container engine is reachable.
 */
@ExtendWith(ActionImage.class)
class ContainerTest {
  private static final String REGION = "eu-west-1";
  private static String image;

  @TempDir Path temp;
  private LocalAws aws;

  @BeforeAll
  static void useImage(ActionImage.Built built) {
    image = built.name();
  }

  @BeforeEach
  void startEmulators() {
    aws = new LocalAws(0, 0, null, null); // plain HTTP on 127.0.0.1, reached through the host network
  }

  @AfterEach
  void stopEmulators() {
    if (aws != null) aws.close();
  }

  @Test
  void exchangesTheTokenAndExportsMaskedCredentials() throws IOException {
    Map<String, String> env = aws.environment();
    ActionContainer.Result result = new ActionContainer(temp)
        .env("INPUT_ROLE-TO-ASSUME", env.get("ROLE_ARN"))
        .env("INPUT_AWS-REGION", REGION)
        .env("INPUT_STS-ENDPOINT", env.get("AWS_ENDPOINT_URL_STS"))
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", env.get("ACTIONS_ID_TOKEN_REQUEST_URL"))
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
        .run();

    assertEquals(0, result.exitCode(), result::describe);
    List<StsEmulator.Session> sessions = aws.sts().sessions();
    assertEquals(1, sessions.size(), result::describe);
    StsEmulator.Session session = sessions.getFirst();

    Map<String, String> exported = RunnerFileParser.parse(result.envFile());
    assertEquals(session.accessKeyId(), exported.get("AWS_ACCESS_KEY_ID"));
    assertEquals(session.secretAccessKey(), exported.get("AWS_SECRET_ACCESS_KEY"));
    assertEquals(session.sessionToken(), exported.get("AWS_SESSION_TOKEN"));
    assertEquals(REGION, exported.get("AWS_REGION"));
    assertEquals(REGION, exported.get("AWS_DEFAULT_REGION"));

    Map<String, String> outputs = RunnerFileParser.parse(result.outputFile());
    assertEquals(session.account(), outputs.get("aws-account-id"));
    assertEquals(session.assumedRoleArn(), outputs.get("authenticated-arn"));

    List<String> secrets = List.of(session.accessKeyId(), session.secretAccessKey(), session.sessionToken());
    List<String> lines = result.log().lines().toList();
    for (String secret : secrets) {
      assertTrue(lines.contains("::add-mask::" + secret), () -> "no add-mask for a secret\n" + result.describe());
      assertTrue(lines.stream().filter(l -> !l.startsWith("::add-mask::")).noneMatch(l -> l.contains(secret)),
          "a secret is printed unmasked");
    }
    assertEquals(List.of(), result.workspaceEntries(), "the action must write nothing to the workspace");
    // the JVM's flags (jvm.options) must not make it print anything: no AOT, GC or CompileCommand lines
    assertTrue(lines.stream().allMatch(l -> l.startsWith("::") || l.startsWith("INFO ")), result::describe);
  }

  @Test
  void failsWithAnErrorAnnotationWithoutTheIdTokenPermission() throws IOException {
    Map<String, String> env = aws.environment();
    // What the runner gives a job without `permissions: id-token: write`: no ACTIONS_ID_TOKEN_REQUEST_* at all.
    ActionContainer.Result result = new ActionContainer(temp)
        .env("INPUT_ROLE-TO-ASSUME", env.get("ROLE_ARN"))
        .env("INPUT_AWS-REGION", REGION)
        .env("INPUT_STS-ENDPOINT", env.get("AWS_ENDPOINT_URL_STS"))
        .run();

    assertEquals(1, result.exitCode(), result::describe);
    assertTrue(result.log().lines().anyMatch(l -> l.startsWith("::error") && l.contains("id-token: write")),
        result::describe);
    assertEquals("", result.envFile());
    assertTrue(aws.sts().sessions().isEmpty());
    assertEquals(List.of(), result.workspaceEntries());
  }

  @Test
  void accessKeysAssumeARoleAndThePostStepBlanksTheVariables() throws IOException {
    StsEmulator.User user = aws.sts().registerUser("arn:aws:iam::111122223333:user/ci");
    String role = "arn:aws:iam::111122223333:role/keys-target";
    aws.sts().registerRole(role, """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":["sts:AssumeRole","sts:TagSession"]}]}""");
    ActionContainer.Result main = new ActionContainer(temp.resolve("main"))
        .env("RUNNER_ENVIRONMENT", "self-hosted")
        .env("INPUT_AWS-ACCESS-KEY-ID", user.accessKeyId())
        .env("INPUT_AWS-SECRET-ACCESS-KEY", user.secretAccessKey())
        .env("INPUT_ROLE-TO-ASSUME", role)
        .env("INPUT_AWS-REGION", REGION)
        .env("INPUT_STS-ENDPOINT", aws.sts().endpointUrl())
        .env("GITHUB_REPOSITORY", "octo-org/octo-repo")
        .run();
    assertEquals(0, main.exitCode(), main::describe);
    StsEmulator.Session session = aws.sts().sessions().getFirst();
    assertEquals(user.arn(), session.callerArn(), "AssumeRole signed with the keys, inside the container");
    assertEquals("octo-org/octo-repo", session.tags().get("Repository"));
    assertEquals(session.accessKeyId(), RunnerFileParser.parse(main.envFile()).get("AWS_ACCESS_KEY_ID"));
    for (String secret : List.of(user.secretAccessKey(), session.secretAccessKey(), session.sessionToken())) {
      assertTrue(main.log().lines().filter(l -> !l.startsWith("::add-mask::")).noneMatch(l -> l.contains(secret)));
    }

    // the post step: the same image and command line, told apart by the state the main step saved
    ActionContainer post = new ActionContainer(temp.resolve("post"));
    RunnerFileParser.parse(main.stateFile()).forEach((name, value) -> post.env("STATE_" + name, value));
    ActionContainer.Result cleaned = post.run();
    assertEquals(0, cleaned.exitCode(), cleaned::describe);
    Map<String, String> blanked = RunnerFileParser.parse(cleaned.envFile());
    assertEquals("", blanked.get("AWS_ACCESS_KEY_ID"));
    assertEquals("", blanked.get("AWS_SESSION_TOKEN"));
    assertEquals(1, aws.sts().sessions().size(), "the post step calls nothing");
  }

  /** One `docker run` of the image as the runner makes it; files under {@code dir}. */
  private static final class ActionContainer {
    private final Path fileCommands;
    private final Path workspace;
    private final Path home;
    private final String guid = UUID.randomUUID().toString();
    private final Map<String, String> env = new HashMap<>();

    ActionContainer(Path dir) throws IOException {
      fileCommands = Files.createDirectories(dir.resolve("_runner_file_commands"));
      workspace = Files.createDirectories(dir.resolve("workspace"));
      home = Files.createDirectories(dir.resolve("_github_home"));
      // The runner creates the per-step files, empty, before the step starts.
      for (String prefix : List.of("set_env_", "set_output_", "step_summary_", "save_state_")) {
        Files.createFile(fileCommands.resolve(prefix + guid));
      }
      env.put("GITHUB_ENV", "/github/file_commands/set_env_" + guid);
      env.put("GITHUB_OUTPUT", "/github/file_commands/set_output_" + guid);
      env.put("GITHUB_STEP_SUMMARY", "/github/file_commands/step_summary_" + guid);
      env.put("GITHUB_STATE", "/github/file_commands/save_state_" + guid);
      env.put("RUNNER_ENVIRONMENT", "github-hosted");
      env.put("GITHUB_WORKSPACE", "/github/workspace");
      env.put("GITHUB_ACTIONS", "true");
      env.put("HOME", "/github/home");
    }

    ActionContainer env(String name, String value) {
      env.put(name, value);
      return this;
    }

    Result run() throws IOException {
      try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))) {
        container.withImagePullPolicy(name -> false)
            .withNetworkMode("host")
            .withEnv(env)
            .withWorkingDirectory("/github/workspace")
            .withFileSystemBind(fileCommands.toString(), "/github/file_commands", BindMode.READ_WRITE)
            .withFileSystemBind(workspace.toString(), "/github/workspace", BindMode.READ_WRITE)
            .withFileSystemBind(home.toString(), "/github/home", BindMode.READ_WRITE)
            .withStartupCheckStrategy(new RunToCompletion().withTimeout(Duration.ofSeconds(60)));
        container.start();
        long exitCode = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec()
            .getState().getExitCodeLong();
        return new Result((int) exitCode, container.getLogs(), read("set_env_"), read("set_output_"),
            read("save_state_"), this);
      }
    }

    private String read(String prefix) throws IOException {
      return Files.readString(fileCommands.resolve(prefix + guid), StandardCharsets.UTF_8);
    }

    record Result(int exitCode, String log, String envFile, String outputFile, String stateFile,
        ActionContainer run) {
      List<String> workspaceEntries() throws IOException {
        try (Stream<Path> entries = Files.list(run.workspace)) {
          return entries.map(p -> p.getFileName().toString()).toList();
        }
      }

      String describe() {
        return String.format(Locale.ROOT, "exit %d%n--- log%n%s--- GITHUB_ENV%n%s", exitCode, log,
            envFile.isEmpty() ? "(empty)\n" : "(" + envFile.length() + " chars)\n");
      }
    }
  }
}
