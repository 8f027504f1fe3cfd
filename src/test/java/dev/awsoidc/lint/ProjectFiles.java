package dev.awsoidc.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The repository's own files, for the lint tests: found from Maven's basedir, parsed with Jackson YAML. */
final class ProjectFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ProjectFiles() {}

  static Path root() {
    Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    if (!Files.isRegularFile(base.resolve("pom.xml"))) {
      throw new IllegalStateException("not the project root: " + base);
    }
    return base;
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode yaml(Path file) {
    try {
      JsonNode node = YAML.readTree(file.toFile());
      if (node == null || !node.isObject()) throw new IllegalStateException(file + " is not a YAML mapping");
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + root().relativize(file), e);
    }
  }

  /** Files under {@code dir} (recursively) whose name matches. Empty if the directory does not exist. */
  static Stream<Path> find(String dir, String fileNameRegex) {
    Path start = path(dir);
    if (!Files.isDirectory(start)) return Stream.empty();
    try (Stream<Path> walk = Files.walk(start)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches(fileNameRegex))
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String relative(Path file) {
    return root().relativize(file).toString().replace('\\', '/');
  }
}
