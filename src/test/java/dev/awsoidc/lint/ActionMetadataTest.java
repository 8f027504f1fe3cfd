package dev.awsoidc.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awsoidc.config.ActionInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code action.yml} is the contract with users; {@link ActionInput} is what the code reads; the README tables
 * are what users read. This holds the three equal, and keeps every input going through the enum.
 */
class ActionMetadataTest {
  private static final Set<String> OUTPUTS = Set.of("aws-account-id", "authenticated-arn", "aws-access-key-id",
      "aws-secret-access-key", "aws-session-token", "aws-expiration");
  /** The one class that may turn an input name into its {@code INPUT_<NAME>} variable. */
  private static final String INPUT_READER = "dev/awsoidc/runner/ActionInputs.java";

  private final JsonNode action = ProjectFiles.yaml(ProjectFiles.path("action.yml"));

  @Test
  void runsTheDockerfileOnMain() {
    JsonNode runs = action.path("runs");
    assertEquals("docker", runs.path("using").asText(), "runs.using");
    // release commits say docker://ghcr.io/...@sha256:..., written by release.yml; the source says Dockerfile
    assertEquals("Dockerfile", runs.path("image").asText(), "runs.image on main");
    // main and post run the image's own command line (entrypoint + fixed JVM args, never an input: args are
    // logged); the program tells the two stages apart by STATE_isPost
    List<String> command = new ArrayList<>();
    command.add(runs.path("entrypoint").asText());
    runs.path("args").forEach(arg -> command.add(arg.asText()));
    assertEquals(dockerfileEntrypoint(), command, "action.yml entrypoint + args vs the Dockerfile's ENTRYPOINT");
    assertEquals(runs.path("entrypoint").asText(), runs.path("post-entrypoint").asText(), "post-entrypoint");
    assertEquals("env.AWS_SKIP_CLEANUP_STEP != 'true'", runs.path("post-if").asText(), "post-if, as users know it");
    runs.path("args").forEach(arg -> assertFalse(arg.asText().contains("${{"), "args never carry expressions"));
    for (String field : List.of("name", "description")) {
      assertFalse(action.path(field).asText().isBlank(), "action.yml needs a " + field);
    }
  }

  @Test
  void everyInputHasADescription() {
    action.path("inputs").properties().forEach(entry ->
        assertFalse(entry.getValue().path("description").asText().isBlank(),
            "input " + entry.getKey() + " has no description"));
  }

  @Test
  void inputsAreExactlyTheEnumWithTheSameDefaults() {
    Map<String, Optional<String>> declared = declaredInputs();
    Map<String, Optional<String>> inCode = new LinkedHashMap<>();
    for (ActionInput input : ActionInput.values()) inCode.put(input.inputName(), input.defaultValue());

    assertEquals(new TreeSet<>(inCode.keySet()), new TreeSet<>(declared.keySet()),
        "inputs in action.yml vs dev.awsoidc.config.ActionInput");
    inCode.forEach((name, defaultValue) ->
        assertEquals(defaultValue, declared.get(name), "default of input " + name + " (ActionInput vs action.yml)"));
  }

  private static List<String> dockerfileEntrypoint() {
    String dockerfile = ProjectFiles.read(ProjectFiles.path("Dockerfile"));
    Matcher m = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)\\]\\s*$").matcher(dockerfile);
    String last = null;
    while (m.find()) last = m.group(1);
    assertTrue(last != null, "the Dockerfile has an exec-form ENTRYPOINT");
    List<String> parts = new ArrayList<>();
    Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(last);
    while (quoted.find()) parts.add(quoted.group(1));
    return parts;
  }

  @Test
  void onlyAwsRegionIsRequired() {
    // as in the reference; the runner does not enforce required: true, the code does (AWS_REGION may stand in)
    Set<String> required = new TreeSet<>();
    action.path("inputs").properties().forEach(e -> {
      if (e.getValue().path("required").asBoolean(false)) required.add(e.getKey());
    });
    assertEquals(Set.of("aws-region"), required);
  }

  @Test
  void everyInputIsReadByTheCode() {
    List<Path> sources = ProjectFiles.find("src/main/java", ".*\\.java").toList();
    for (ActionInput input : ActionInput.values()) {
      String reference = "ActionInput." + input.name();
      boolean read = sources.stream()
          .filter(p -> !p.endsWith(Path.of("dev/awsoidc/config/ActionInput.java")))
          .anyMatch(p -> ProjectFiles.read(p).contains(reference));
      assertTrue(read, "input " + input.inputName() + " is declared but no code reads " + reference);
    }
  }

  @Test
  void noCodeReadsInputVariablesDirectly() {
    List<String> offenders = ProjectFiles.find("src/main/java", ".*\\.java")
        .filter(p -> !ProjectFiles.relative(p).endsWith(INPUT_READER))
        .filter(p -> ProjectFiles.read(p).contains("\"INPUT_"))
        .map(ProjectFiles::relative)
        .toList();
    assertEquals(List.of(), offenders,
        "read inputs through ActionInput and ActionInputs, not INPUT_* variables (so action.yml and code agree)");
  }

  @Test
  void outputsAreDeclaredWithDescriptions() {
    JsonNode outputs = action.path("outputs");
    assertEquals(new TreeSet<>(OUTPUTS), fieldNames(outputs), "outputs in action.yml");
    outputs.properties().forEach(e -> assertFalse(e.getValue().path("description").asText().isBlank(),
        "output " + e.getKey() + " has no description"));
  }

  @Test
  void readmeInputsTableMatchesActionYml() {
    Map<String, Optional<String>> declared = declaredInputs();
    List<List<String>> rows = tableRows(section("## Inputs"));
    Map<String, Optional<String>> documented = new LinkedHashMap<>();
    for (List<String> row : rows) {
      String name = row.getFirst();
      assertTrue(row.size() >= 4, "README inputs row " + name + " needs Input | Required | Default | Description");
      assertFalse(documented.containsKey(name), "README lists input " + name + " twice");
      documented.put(name, defaultCell(name, row.get(2)));
      boolean required = action.path("inputs").path(name).path("required").asBoolean(false);
      assertEquals(required ? "yes" : "no", row.get(1), "README 'Required' of input " + name);
      assertFalse(row.get(3).isBlank(), "README input " + name + " has no description");
    }
    assertEquals(List.copyOf(declared.keySet()), List.copyOf(documented.keySet()),
        "README inputs table vs action.yml (same names, same order)");
    declared.forEach((name, value) ->
        assertEquals(value, documented.get(name), "README default of input " + name + " vs action.yml"));
  }

  @Test
  void readmeOutputsTableMatchesActionYml() {
    Set<String> documented = tableRows(section("## Outputs")).stream()
        .map(List::getFirst).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(fieldNames(action.path("outputs")), documented, "README outputs table vs action.yml");
  }

  @Test
  void readmeTestCommandIsTheOneCiRuns() {
    String readme = ProjectFiles.read(ProjectFiles.path("README.md"));
    Matcher first = Pattern.compile("(\\./mvnw|mvn) [^\\n`]*verify").matcher(readme);
    assertTrue(first.find(), "the README must give the test command");
    assertEquals("./mvnw -B verify", first.group(), "the README's first '… verify' is the test command");
    int lineStart = readme.lastIndexOf('\n', first.start()) + 1;
    assertEquals("./mvnw -B verify", readme.substring(lineStart, first.end()),
        "the README's test command line: the wrapper alone, no machine-specific JAVA_HOME");
    assertFalse(readme.contains("/usr/lib/jvm"), "the README names no machine-specific JDK path");
    String ci = ProjectFiles.read(ProjectFiles.path(".ci/run"));
    assertTrue(ci.lines().anyMatch(line -> line.strip().equals("./mvnw -B verify")), ".ci/run runs ./mvnw -B verify");
    assertTrue(ci.lines().noneMatch(line -> line.strip().matches("mvn .*")), ".ci/run runs no preinstalled mvn");
  }

  private Map<String, Optional<String>> declaredInputs() {
    Map<String, Optional<String>> inputs = new LinkedHashMap<>();
    action.path("inputs").properties().forEach(e -> {
      JsonNode value = e.getValue().get("default");
      inputs.put(e.getKey(), value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText()));
    });
    return inputs;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  /** The README's lines from a heading to the next heading of the same or a higher level. */
  private static List<String> section(String heading) {
    List<String> lines = ProjectFiles.read(ProjectFiles.path("README.md")).lines().toList();
    int start = lines.indexOf(heading);
    if (start < 0) fail("README.md has no '" + heading + "' section");
    List<String> body = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("# ") || line.startsWith("## ")) break;
      body.add(line);
    }
    return body;
  }

  /** Table rows whose first cell is a backticked name: the cells, trimmed, the name without backticks. */
  private static List<List<String>> tableRows(List<String> lines) {
    Pattern row = Pattern.compile("^\\|\\s*`([a-z0-9-]+)`\\s*\\|(.*)\\|\\s*$");
    List<List<String>> rows = new ArrayList<>();
    for (String line : lines) {
      Matcher m = row.matcher(line);
      if (!m.matches()) continue;
      List<String> cells = new ArrayList<>();
      cells.add(m.group(1));
      Arrays.stream(m.group(2).split("\\|", -1)).map(String::strip).forEach(cells::add);
      rows.add(cells);
    }
    assertFalse(rows.isEmpty(), "no table rows found");
    return rows;
  }

  /** {@code `value`} is a default; a cell starting with an em dash means none. */
  private static Optional<String> defaultCell(String input, String cell) {
    Matcher m = Pattern.compile("^`([^`]*)`$").matcher(cell);
    if (m.matches()) return Optional.of(m.group(1));
    assertTrue(cell.startsWith("—"), "README default of input " + input + ": write `value`, or — for none: " + cell);
    return Optional.empty();
  }
}
