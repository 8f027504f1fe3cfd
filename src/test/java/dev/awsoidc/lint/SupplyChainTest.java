package dev.awsoidc.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.lint.PomFile.Artifact;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What we build from is pinned and stays pinned: plugins and dependencies by fixed version (and the enforcer rules
 * that fail the build otherwise), Maven itself by the wrapper's checksum; the build makes the SBOM the release
 * ships; the README gives each runtime dependency a reason and SECURITY.md says how to verify and report.
 */
class SupplyChainTest {
  /** Plugins Maven runs for a jar project without being told (default, clean and site lifecycles). */
  private static final List<String> LIFECYCLE_PLUGINS = List.of("maven-clean-plugin", "maven-resources-plugin",
      "maven-compiler-plugin", "maven-surefire-plugin", "maven-jar-plugin", "maven-install-plugin",
      "maven-deploy-plugin", "maven-site-plugin");
  /** Pulled in by okhttp-jvm, named in the README because they are a large part of the image's libraries. */
  private static final List<String> NOTABLE_TRANSITIVE = List.of("okio", "kotlin-stdlib");

  private final PomFile pom = new PomFile();

  @Test
  void everyPluginHasAFixedVersion() {
    Map<String, String> versions = new HashMap<>();
    pom.plugins(true).forEach(p -> versions.put(p.key(), p.version()));
    pom.plugins(false).forEach(p -> versions.merge(p.key(), p.version(), (managed, own) -> own.isEmpty() ? managed : own));
    for (String plugin : LIFECYCLE_PLUGINS) {
      assertTrue(versions.containsKey("org.apache.maven.plugins:" + plugin), plugin + " is not pinned in pom.xml");
    }
    List<String> unpinned = new ArrayList<>();
    versions.forEach((plugin, version) -> {
      if (!isFixed(pom.resolve(version))) unpinned.add(plugin + " '" + version + "'");
    });
    assertEquals(List.of(), unpinned, "plugins without a fixed version");
  }

  @Test
  void everyDependencyHasAFixedVersionOrComesFromAPinnedBom() {
    Set<String> managed = new TreeSet<>();
    Set<String> bomGroups = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (Artifact d : pom.dependencies(true)) {
      managed.add(d.key());
      if ("import".equals(PomFile.childText(d.element(), "scope"))) bomGroups.add(d.groupId());
      if (!isFixed(pom.resolve(d.version()))) problems.add("managed " + d.key() + " '" + d.version() + "'");
    }
    for (Artifact d : pom.dependencies(false)) {
      if (d.version().isEmpty()) {
        boolean fromBom = bomGroups.stream().anyMatch(g -> d.groupId().equals(g) || d.groupId().startsWith(g + "."));
        if (!managed.contains(d.key()) && !fromBom) problems.add(d.key() + " has no version");
      } else if (!isFixed(pom.resolve(d.version()))) {
        problems.add(d.key() + " '" + d.version() + "'");
      }
    }
    assertEquals(List.of(), problems, "dependencies without a fixed version");
  }

  @Test
  void theEnforcerFailsTheBuildOnUnpinnedVersionsAndOnAnOldJdk() {
    Artifact enforcer = pom.plugins(false).stream()
        .filter(p -> p.artifactId().equals("maven-enforcer-plugin")).findFirst().orElseThrow();
    Map<String, Element> rules = new HashMap<>();
    Element executions = PomFile.child(enforcer.element(), "executions").orElseThrow();
    for (Element execution : PomFile.children(executions)) {
      String phase = PomFile.childText(execution, "phase");
      assertTrue(phase.isEmpty() || phase.equals("validate"), "the enforcer runs first (validate), not at " + phase);
      assertFalse(PomFile.child(execution, "configuration").flatMap(c -> PomFile.child(c, "skip")).isPresent(),
          "an enforcer execution is skipped");
      PomFile.child(execution, "configuration").flatMap(c -> PomFile.child(c, "rules"))
          .ifPresent(r -> PomFile.children(r).forEach(rule -> rules.put(rule.getTagName(), rule)));
    }
    assertTrue(rules.containsKey("requirePluginVersions"), "rule requirePluginVersions: " + rules.keySet());
    assertTrue(rules.containsKey("banDynamicVersions"), "rule banDynamicVersions: " + rules.keySet());
    Element java = rules.get("requireJavaVersion");
    assertTrue(java != null, "rule requireJavaVersion: " + rules.keySet());
    assertEquals("[25,)", PomFile.childText(java, "version"));
    String message = PomFile.childText(java, "message");
    assertTrue(message.contains("needs JDK 25 or later") && message.contains("JAVA_HOME"), message);
    assertFalse(message.matches("(?s).*(^|\\s)/\\w.*"), "the message names no machine-specific path: " + message);
  }

  @Test
  void theWrapperPinsAMaven39DistributionByItsChecksum() throws IOException {
    Properties wrapper = new Properties();
    wrapper.load(new StringReader(ProjectFiles.read(ProjectFiles.path(".mvn/wrapper/maven-wrapper.properties"))));
    assertEquals("only-script", wrapper.getProperty("distributionType"), "no wrapper jar in the repository");
    assertFalse(Files.exists(ProjectFiles.path(".mvn/wrapper/maven-wrapper.jar")), "no wrapper jar in the repository");
    String url = wrapper.getProperty("distributionUrl", "");
    assertTrue(url.matches("https://repo\\.maven\\.apache\\.org/maven2/org/apache/maven/apache-maven/"
        + "(3\\.9\\.\\d+)/apache-maven-\\1-bin\\.zip"), "a fixed Maven 3.9.x from Maven Central: " + url);
    assertTrue(wrapper.getProperty("distributionSha256Sum", "").matches("[0-9a-f]{64}"),
        "distributionSha256Sum: the wrapper refuses a download with another checksum");
    assertTrue(Files.isExecutable(ProjectFiles.path("mvnw")), "./mvnw is executable");
  }

  @Test
  void theBuildWritesTheSbomTheReleaseShips() {
    assertEquals("target/aws-oidc-credentials.cdx.json", sbomPath(pom));
  }

  @Test
  void theReadmeGivesEachRuntimeDependencyAReason() {
    String section = readmeSection("## Supply chain and dependencies");
    List<String> runtime = new ArrayList<>(pom.dependencies(false).stream()
        .filter(d -> !"test".equals(PomFile.childText(d.element(), "scope")))
        .map(Artifact::artifactId).toList());
    runtime.addAll(NOTABLE_TRANSITIVE);
    List<String> missing = runtime.stream().filter(a -> !section.contains("`" + a + "`")).toList();
    assertEquals(List.of(), missing, "runtime dependencies the README's supply-chain section does not explain");
    assertTrue(section.contains("gh attestation verify"), "how to verify the image's provenance");
    assertTrue(section.contains(sbomPath(pom).substring("target/".length())), "where the SBOM is");
  }

  @Test
  void securityPolicySaysWhatIsTrustedHowToVerifyAndHowToReport() {
    String security;
    try {
      security = Files.readString(ProjectFiles.path("SECURITY.md"));
    } catch (IOException e) {
      throw new UncheckedIOException("SECURITY.md at the top level", e);
    }
    Set<String> headings = security.lines().filter(l -> l.startsWith("## "))
        .collect(Collectors.toCollection(TreeSet::new));
    for (String heading : List.of("## Threat model", "## Trust policy advice", "## Verifying the image",
        "## Reporting a vulnerability")) {
      assertTrue(headings.contains(heading), "SECURITY.md section " + heading + ": " + headings);
    }
    for (String text : List.of("token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:aud",
        "repo:ORG/*", "gh attestation verify oci://", "private vulnerability reporting")) {
      assertTrue(security.contains(text), "SECURITY.md mentions " + text);
    }
  }

  /** Where the CycloneDX plugin writes the JSON SBOM at package, relative to the project root. */
  static String sbomPath(PomFile pom) {
    Artifact cyclonedx = pom.plugins(false).stream()
        .filter(p -> p.key().equals("org.cyclonedx:cyclonedx-maven-plugin")).findFirst()
        .orElseThrow(() -> new AssertionError("org.cyclonedx:cyclonedx-maven-plugin in <build><plugins>"));
    Element execution = PomFile.children(PomFile.child(cyclonedx.element(), "executions").orElseThrow()).stream()
        .filter(e -> PomFile.child(e, "goals").map(PomFile::text).orElse("").equals("makeBom"))
        .findFirst().orElseThrow(() -> new AssertionError("a makeBom execution"));
    assertEquals("package", PomFile.childText(execution, "phase"), "the SBOM is made at package");
    Element configuration = PomFile.child(execution, "configuration").orElseThrow();
    assertEquals("json", PomFile.childText(configuration, "outputFormat"));
    assertEquals("false", PomFile.childText(configuration, "includeTestScope"), "test libraries are not shipped");
    return "target/" + PomFile.childText(configuration, "outputName") + ".json";
  }

  private static boolean isFixed(String version) {
    return version.matches("\\d+(\\.\\d+)*");
  }

  private static String readmeSection(String heading) {
    List<String> lines = ProjectFiles.read(ProjectFiles.path("README.md")).lines().toList();
    int start = lines.indexOf(heading);
    assertTrue(start >= 0, "README.md has no '" + heading + "' section");
    StringBuilder body = new StringBuilder();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("# ") || line.startsWith("## ")) break;
      body.append(line).append('\n');
    }
    return body.toString();
  }
}
