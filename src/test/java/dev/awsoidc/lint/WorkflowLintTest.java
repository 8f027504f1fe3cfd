package dev.awsoidc.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The workflows and the example composite action: they parse, have the shape GitHub needs, pin what they use,
 * ask for the OIDC permission where they need it, and never put an expression into a shell script.
 */
class WorkflowLintTest {
  private static final String CI = ".github/workflows/ci.yml";
  private static final String RELEASE = ".github/workflows/release.yml";
  private static final String REUSABLE = ".github/workflows/aws-oidc-reusable.yml";
  private static final String COMPOSITE = "examples/composite/action.yml";
  /** Expressions whose value an outsider or a caller controls: never inside run:, pass them through env:. */
  private static final List<String> UNSAFE_IN_RUN = List.of("${{ inputs.", "${{ github.event.", "${{ github.head_ref");

  private static List<Path> workflows() {
    return ProjectFiles.find(".github/workflows", ".*\\.ya?ml").toList();
  }

  private static List<Path> compositeActions() {
    return ProjectFiles.find("examples", "action\\.ya?ml").toList();
  }

  @Test
  void theExpectedFilesExist() {
    List<String> workflows = workflows().stream().map(ProjectFiles::relative).toList();
    for (String name : List.of(CI, RELEASE, REUSABLE)) assertTrue(workflows.contains(name), name + " is missing");
    assertTrue(compositeActions().stream().map(ProjectFiles::relative).toList().contains(COMPOSITE));
  }

  @Test
  void jacksonReadsTheOnKeyAsAString() {
    // YAML 1.1 reads a bare 'on' as true; GitHub (and Jackson's field names) read it as the key "on"
    JsonNode ci = ProjectFiles.yaml(ProjectFiles.path(CI));
    assertTrue(ci.has("on"), "'on' parsed as the key \"on\": " + fieldNames(ci));
    assertFalse(ci.has("true"));
  }

  @Test
  void everyWorkflowHasTriggersAndRunnableJobs() {
    for (Path file : workflows()) {
      String name = ProjectFiles.relative(file);
      JsonNode workflow = ProjectFiles.yaml(file);
      assertTrue(workflow.has("on"), name + ": no 'on'");
      JsonNode jobs = workflow.path("jobs");
      assertTrue(jobs.isObject() && !jobs.isEmpty(), name + ": no jobs");
      jobs.properties().forEach(job -> {
        JsonNode body = job.getValue();
        assertTrue(body.has("runs-on") || body.has("uses"), name + ": job " + job.getKey() + " has no runs-on or uses");
        if (body.has("runs-on")) {
          assertTrue(body.path("steps").isArray() && !body.path("steps").isEmpty(),
              name + ": job " + job.getKey() + " has no steps");
        }
      });
    }
  }

  @Test
  void everyUsesIsPinned() {
    List<String> unpinned = new ArrayList<>();
    forEachUses((where, uses) -> {
      boolean pinned = uses.startsWith("./") || uses.startsWith("docker://")
          || uses.matches("[^@\\s]+@[^@\\s]+");
      if (!pinned) unpinned.add(where + ": " + uses);
    });
    assertEquals(List.of(), unpinned, "uses: must be owner/repo@ref, ./path or docker://image");
  }

  @Test
  void noCallerControlledExpressionInsideRunScripts() {
    List<String> unsafe = new ArrayList<>();
    forEachStep((where, step) -> {
      String run = step.path("run").asText("");
      for (String expression : UNSAFE_IN_RUN) {
        if (run.contains(expression)) unsafe.add(where + " contains " + expression + "…");
      }
    });
    assertEquals(List.of(), unsafe, "script injection: pass the value through env: and use \"$VAR\"");
  }

  @Test
  void reusableWorkflowIsCallableWithTheOidcPermission() {
    JsonNode workflow = ProjectFiles.yaml(ProjectFiles.path(REUSABLE));
    JsonNode call = workflow.path("on").path("workflow_call");
    assertTrue(call.isObject(), "on.workflow_call");
    for (String input : List.of("role-to-assume", "aws-region")) {
      assertTrue(call.path("inputs").path(input).path("required").asBoolean(false), "required input " + input);
    }
    assertTrue(call.path("inputs").has("run"), "input run");
    assertEquals("write", workflow.path("permissions").path("id-token").asText(), "permissions.id-token");
    assertEquals("read", workflow.path("permissions").path("contents").asText(), "permissions.contents");
    // a local path would resolve against the caller's checkout, not against this repository
    forEachUses((where, uses) -> {
      if (where.startsWith(REUSABLE)) assertFalse(uses.equals("./") || uses.equals("."), where + ": " + uses);
    });
  }

  @Test
  void ciUsesTheActionFromTheRepositoryWithTheOidcPermission() {
    JsonNode jobs = ProjectFiles.yaml(ProjectFiles.path(CI)).path("jobs");
    assertTrue(jobs.has("build-test"), "job build-test");
    JsonNode useAction = jobs.path("use-action");
    assertEquals("write", useAction.path("permissions").path("id-token").asText(), "use-action permissions.id-token");
    boolean usesLocal = false;
    for (JsonNode step : useAction.path("steps")) usesLocal |= "./".equals(step.path("uses").asText());
    assertTrue(usesLocal, "use-action runs the action with uses: ./");
    String all = ProjectFiles.read(ProjectFiles.path(CI));
    assertTrue(all.contains("run: ./mvnw -B verify"), "CI runs the README's test command");
    assertTrue(all.contains("vars.AWS_ROLE_ARN"), "real AWS only when vars.AWS_ROLE_ARN is set");
  }

  @Test
  void releaseBuildsOnVersionTagsWithWriteAccess() {
    JsonNode release = ProjectFiles.yaml(ProjectFiles.path(RELEASE));
    List<String> tags = new ArrayList<>();
    release.path("on").path("push").path("tags").forEach(t -> tags.add(t.asText()));
    assertTrue(tags.stream().anyMatch(t -> t.startsWith("v")), "on.push.tags v*: " + tags);
    assertEquals("write", release.path("permissions").path("contents").asText(), "permissions.contents");
    assertEquals("write", release.path("permissions").path("packages").asText(), "permissions.packages");
    String text = ProjectFiles.read(ProjectFiles.path(RELEASE));
    assertTrue(text.contains("linux/amd64,linux/arm64"), "multi-arch image");
    assertTrue(text.contains("image: docker://"), "release action.yml points at the pushed image");
  }

  @Test
  void releaseAttestsThePushedImageAndShipsTheSbom() {
    JsonNode release = ProjectFiles.yaml(ProjectFiles.path(RELEASE));
    for (String permission : List.of("id-token", "attestations", "packages", "artifact-metadata")) {
      assertEquals("write", release.path("permissions").path(permission).asText(), "permissions." + permission);
    }
    List<JsonNode> steps = new ArrayList<>();
    release.path("jobs").path("release").path("steps").forEach(steps::add);
    String sbom = SupplyChainTest.sbomPath(new PomFile());
    int makeSbom = indexOf(steps, "the step that builds the SBOM",
        s -> s.path("run").asText().contains("./mvnw") && s.path("run").asText().contains("package"));
    int build = indexOf(steps, "the image build (id: build)", s -> "build".equals(s.path("id").asText()));
    int provenance = indexOf(steps, "actions/attest-build-provenance",
        s -> s.path("uses").asText().startsWith("actions/attest-build-provenance@"));
    int sbomAttestation = indexOf(steps, "actions/attest with sbom-path",
        s -> s.path("uses").asText().startsWith("actions/attest@") && s.path("with").has("sbom-path"));
    int publish = indexOf(steps, "gh release create", s -> s.path("run").asText().contains("gh release create"));
    for (int attestation : List.of(provenance, sbomAttestation)) {
      JsonNode with = steps.get(attestation).path("with");
      // the image by name without a tag and by the digest the build pushed: what `gh attestation verify` checks
      assertEquals("${{ steps.meta.outputs.image }}", with.path("subject-name").asText(), "subject-name");
      assertEquals("${{ steps.build.outputs.digest }}", with.path("subject-digest").asText(), "subject-digest");
      assertEquals("true", with.path("push-to-registry").asText(), "push-to-registry");
      assertTrue(build < attestation && attestation < publish, "attested after the push, before the release");
    }
    assertEquals(sbom, steps.get(sbomAttestation).path("with").path("sbom-path").asText(), "sbom-path");
    assertTrue(makeSbom < sbomAttestation, "the SBOM is built before it is attested");
    String create = steps.get(publish).path("run").asText().lines()
        .filter(l -> l.contains("gh release create")).findFirst().orElseThrow();
    assertTrue(create.contains(sbom), "the SBOM is attached to the GitHub release: " + create);
  }

  @Test
  void compositeExampleWrapsTheActionAndPassesOutputsOn() {
    JsonNode composite = ProjectFiles.yaml(ProjectFiles.path(COMPOSITE));
    assertEquals("composite", composite.path("runs").path("using").asText());
    composite.path("inputs").properties().forEach(e -> assertFalse(
        e.getValue().path("description").asText().isBlank(), "input " + e.getKey() + " has no description"));
    for (String output : List.of("aws-account-id", "authenticated-arn")) {
      assertTrue(composite.path("outputs").path(output).path("value").asText().contains("steps."),
          "output " + output + " is passed on from a step");
    }
    for (JsonNode step : composite.path("runs").path("steps")) {
      if (step.has("run")) assertTrue(step.has("shell"), "composite run steps need shell: " + step);
    }
  }

  private static int indexOf(List<JsonNode> steps, String what, Predicate<JsonNode> test) {
    List<Integer> found = IntStream.range(0, steps.size()).filter(i -> test.test(steps.get(i))).boxed().toList();
    assertEquals(1, found.size(), RELEASE + ": exactly one step: " + what);
    return found.getFirst();
  }

  private static void forEachStep(BiConsumer<String, JsonNode> action) {
    for (Path file : workflows()) {
      String name = ProjectFiles.relative(file);
      ProjectFiles.yaml(file).path("jobs").properties().forEach(job -> {
        int i = 0;
        for (JsonNode step : job.getValue().path("steps")) {
          action.accept(name + " jobs." + job.getKey() + ".steps[" + i++ + "]", step);
        }
      });
    }
    for (Path file : compositeActions()) {
      String name = ProjectFiles.relative(file);
      int i = 0;
      for (JsonNode step : ProjectFiles.yaml(file).path("runs").path("steps")) {
        action.accept(name + " runs.steps[" + i++ + "]", step);
      }
    }
  }

  private static void forEachUses(BiConsumer<String, String> action) {
    forEachStep((where, step) -> {
      if (step.has("uses")) action.accept(where, step.path("uses").asText());
    });
    for (Path file : workflows()) {
      String name = ProjectFiles.relative(file);
      ProjectFiles.yaml(file).path("jobs").properties().forEach(job -> {
        if (job.getValue().has("uses")) {
          action.accept(name + " jobs." + job.getKey(), job.getValue().path("uses").asText());
        }
      });
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    return Stream.of(node).flatMap(n -> n.properties().stream()).map(Map.Entry::getKey).toList();
  }
}
