package dev.awsoidc.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;

/** {@code $GITHUB_STEP_SUMMARY}: Markdown shown on the run's page. The runner uploads up to 1 MiB a step. */
public final class StepSummary {
  private static final int LIMIT_BYTES = 1024 * 1024;
  private final Path path;

  private StepSummary(Path path) {
    this.path = path;
  }

  public static Optional<StepSummary> fromEnvironment(Map<String, String> environment) {
    String value = environment.get("GITHUB_STEP_SUMMARY");
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(new StepSummary(Path.of(value)));
  }

  public void append(String markdown) throws IOException {
    byte[] bytes = markdown.getBytes(StandardCharsets.UTF_8);
    long existing = Files.exists(path) ? Files.size(path) : 0;
    if (existing + bytes.length > LIMIT_BYTES) return;
    Files.write(path, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }
}
