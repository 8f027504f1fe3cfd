package dev.awsoidc.runner;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The step's inputs, as the runner passes them to a container: one {@code INPUT_<NAME>} environment variable
 * each, the name upper-cased with spaces turned into underscores and hyphens kept ({@code INPUT_ROLE-TO-ASSUME}).
 * Values are trimmed and an empty value counts as absent, as in {@code @actions/core}'s {@code getInput}; the
 * trim is JavaScript's {@code String.prototype.trim}, not Java's, so both agree on every character.
 */
public final class ActionInputs {
  private final Map<String, String> environment;

  public ActionInputs(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * The environment variable the runner sets for an input name: .NET's {@code ToUpperInvariant} maps each
   * character on its own ({@code ß} stays {@code ß}), unlike Java's {@code toUpperCase} ({@code ß} to {@code SS}).
   */
  public static String variableName(String inputName) {
    StringBuilder name = new StringBuilder("INPUT_");
    inputName.replace(' ', '_').codePoints().map(Character::toUpperCase).forEach(name::appendCodePoint);
    return name.toString();
  }

  public Optional<String> get(String inputName) {
    String value = environment.get(variableName(inputName));
    if (value == null) return Optional.empty();
    String trimmed = trim(value);
    return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
  }

  /**
   * The lines of a multi-line input, as {@code getMultilineInput}: split on {@code \n} only, each line trimmed
   * (which also drops a {@code \r}); unlike {@code @actions/core}, lines left empty are dropped, not kept as "".
   */
  public List<String> getLines(String inputName) {
    return get(inputName).stream()
        .flatMap(value -> Arrays.stream(value.split("\n", -1)))
        .map(ActionInputs::trim)
        .filter(line -> !line.isEmpty())
        .toList();
  }

  /** JavaScript's {@code trim}: its WhiteSpace and LineTerminator characters, from both ends. */
  public static String trim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isJavaScriptWhitespace(value.charAt(start))) start++;
    while (end > start && isJavaScriptWhitespace(value.charAt(end - 1))) end--;
    return value.substring(start, end);
  }

  private static boolean isJavaScriptWhitespace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000B', '\f', '\r', '\uFEFF', '\u2028', '\u2029' -> true;
      default -> Character.getType(c) == Character.SPACE_SEPARATOR;
    };
  }
}
