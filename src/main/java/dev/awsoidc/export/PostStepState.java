package dev.awsoidc.export;

import dev.awsoidc.runner.KeyValueFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * What the main step tells its post step, through {@code $GITHUB_STATE} (the post container sees each entry as
 * {@code STATE_<name>}): that it is the post step, and which variables to blank at the end of the job.
 */
public final class PostStepState {
  static final String IS_POST = "isPost";
  static final String CLEANUP = "cleanup";

  private PostStepState() {}

  /** True in the post step: the main step wrote {@code isPost} first thing. */
  public static boolean isPost(Map<String, String> environment) {
    return "true".equals(environment.get("STATE_" + IS_POST));
  }

  /** The variables the main step exported, to blank. */
  public static List<String> variablesToClean(Map<String, String> environment) {
    String list = environment.getOrDefault("STATE_" + CLEANUP, "");
    return list.isBlank() ? List.of() : Arrays.stream(list.split(",")).map(String::strip)
        .filter(name -> name.matches("AWS_[A-Z_]+")).toList();
  }

  /** First thing in the main step, as {@code @actions/core} does: the post step must know it is one. */
  public static void markMainStep(Map<String, String> environment) throws IOException {
    write(environment, Map.of(IS_POST, "true"));
  }

  static void recordExported(Map<String, String> environment, List<String> variables) throws IOException {
    write(environment, Map.of(CLEANUP, String.join(",", variables)));
  }

  private static void write(Map<String, String> environment, Map<String, String> entries) throws IOException {
    String file = environment.getOrDefault("GITHUB_STATE", "").strip();
    if (file.isEmpty() || !Files.isRegularFile(Path.of(file))) return; // no post step to talk to
    KeyValueFile state = new KeyValueFile(Path.of(file));
    SequencedMap<String, String> ordered = new LinkedHashMap<>(entries);
    state.append(state.format(ordered));
  }
}
