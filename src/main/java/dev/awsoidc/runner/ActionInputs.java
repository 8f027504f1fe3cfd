package dev.awsoidc.runner;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The step's inputs, as the runner passes them to a container: one {@code INPUT_<NAME>} environment variable
 * each, the name upper-cased with spaces turned into underscores and hyphens kept ({@code INPUT_ROLE-TO-ASSUME}).
 * Values are trimmed and an empty value counts as absent, as in {@code @actions/core}'s {@code getInput}.
 */
public final class ActionInputs {
  private final Map<String, String> environment;

  public ActionInputs(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The environment variable the runner sets for an input name. */
  public static String variableName(String inputName) {
    return "INPUT_" + inputName.replace(' ', '_').toUpperCase(Locale.ROOT);
  }

  public Optional<String> get(String inputName) {
    String value = environment.get(variableName(inputName));
    if (value == null) return Optional.empty();
    String trimmed = value.strip();
    return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
  }

  /** Non-empty, trimmed lines of a multi-line input. */
  public List<String> getLines(String inputName) {
    return get(inputName).stream()
        .flatMap(String::lines)
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .toList();
  }
}
