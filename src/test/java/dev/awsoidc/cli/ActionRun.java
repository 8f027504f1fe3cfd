package dev.awsoidc.cli;

import dev.awsoidc.runner.RunnerFileParser;
import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the entrypoint as the runner would: a separate JVM, a clean environment (nothing from the host leaks in),
 * per-step GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files that exist and are empty.
 */
final class ActionRun {
  private final Path dir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private String stdin = "";

  ActionRun(Path dir) throws IOException {
    this.dir = dir;
    for (String name : List.of("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_STATE")) {
      Path file = dir.resolve(name.toLowerCase() + "_file");
      Files.deleteIfExists(file);
      Files.createFile(file);
      env.put(name, file.toString());
    }
    env.put("GITHUB_ACTIONS", "true");
    env.put("RUNNER_ENVIRONMENT", "github-hosted");
    env.put("HOME", dir.toString());
  }

  /** The action against both emulators: their endpoints and request token, the emulator's role, this region. */
  static ActionRun against(Path dir, LocalAws aws, String region) throws IOException {
    return new ActionRun(dir).env(Map.of(
            "ACTIONS_ID_TOKEN_REQUEST_URL", aws.oidc().tokenEndpointUrl(),
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN", aws.oidc().requestToken(),
            "AWS_ENDPOINT_URL_STS", aws.sts().endpointUrl()))
        .input("role-to-assume", LocalAws.ROLE_ARN).input("aws-region", region);
  }

  /** Adds the test CA to a copy of the usual trust store: certificate checks stay on. */
  ActionRun trusting(TestCertificates tls) {
    return jvmOption("-Djavax.net.ssl.trustStore=" + tls.trustStore())
        .jvmOption("-Djavax.net.ssl.trustStorePassword=" + tls.password());
  }

  ActionRun input(String name, String value) {
    env.put("INPUT_" + name.toUpperCase(), value);
    return this;
  }

  ActionRun env(String name, String value) {
    if (value == null) env.remove(name);
    else env.put(name, value);
    return this;
  }

  ActionRun env(Map<String, String> values) {
    values.forEach(this::env);
    return this;
  }

  /** Command-line arguments: the CLI instead of the action. */
  ActionRun args(String... arguments) {
    args.addAll(List.of(arguments));
    return this;
  }

  ActionRun stdin(String text) {
    stdin = text;
    return this;
  }

  /** A JVM option for the action's process, e.g. a trust store that holds the test CA. */
  ActionRun jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  Result run() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Path input = dir.resolve("stdin");
    Files.writeString(input, stdin, StandardCharsets.UTF_8);
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(input.toFile());
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the action did not finish in 120 s");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8), read("GITHUB_ENV"), read("GITHUB_OUTPUT"),
        read("GITHUB_STEP_SUMMARY"), read("GITHUB_STATE"), took);
  }

  private String read(String variable) throws IOException {
    return Files.readString(Path.of(env.get(variable)), StandardCharsets.UTF_8);
  }

  record Result(int exitCode, String stdout, String stderr, String envFile, String outputFile, String summary,
      String stateFile, Duration took) {

    Map<String, String> exportedEnv() {
      return RunnerFileParser.parse(envFile);
    }

    Map<String, String> outputs() {
      return RunnerFileParser.parse(outputFile);
    }

    List<String> errorLines() {
      return stdout.lines().filter(line -> line.startsWith("::error ")).toList();
    }

    String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }
}
