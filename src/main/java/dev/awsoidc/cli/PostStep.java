package dev.awsoidc.cli;

import dev.awsoidc.export.PostStepState;
import dev.awsoidc.runner.KeyValueFile;
import dev.awsoidc.runner.WorkflowCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The post step ({@code post-entrypoint}), at the end of the job: blanks the variables the main step exported,
 * so later post steps of other actions do not run with them. Skipped with {@code AWS_SKIP_CLEANUP_STEP: true}
 * (action.yml's {@code post-if} skips the container; this check covers runs outside the runner).
 */
final class PostStep {
  private PostStep() {}

  static int run(Map<String, String> environment, WorkflowCommands commands) {
    if ("true".equals(environment.get("AWS_SKIP_CLEANUP_STEP"))) return 0;
    List<String> variables = PostStepState.variablesToClean(environment);
    if (variables.isEmpty()) return 0; // the main step exported nothing
    String file = environment.getOrDefault("GITHUB_ENV", "").strip();
    if (file.isEmpty() || !Files.isRegularFile(Path.of(file))) {
      commands.warning("Post step", "GITHUB_ENV is not a file; the AWS variables could not be blanked");
      return 0;
    }
    SequencedMap<String, String> blanks = new LinkedHashMap<>();
    variables.forEach(name -> blanks.put(name, ""));
    KeyValueFile env = new KeyValueFile(Path.of(file));
    try {
      env.append(env.format(blanks));
    } catch (IOException e) {
      // a failed clean-up must not fail a job that succeeded
      commands.warning("Post step", "could not blank " + String.join(", ", variables) + ": " + e.getMessage());
      return 0;
    }
    System.out.println("Blanked " + String.join(", ", variables) + " for the rest of the job");
    return 0;
  }
}
