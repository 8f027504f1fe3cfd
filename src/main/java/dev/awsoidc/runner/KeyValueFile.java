package dev.awsoidc.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A file command that takes name/value pairs: {@code GITHUB_ENV}, {@code GITHUB_OUTPUT}, {@code GITHUB_STATE}.
 * Every pair is written in the heredoc form, {@code NAME<<DELIM\nVALUE\nDELIM\n}, which carries any value; the
 * runner stops a value at the first line equal to the delimiter, so the delimiter is random and checked
 * against the name and the value. UTF-8 and {@code \n} only: on Linux a {@code \r} would stay in the line.
 */
public final class KeyValueFile {
  private final Path path;
  private final Supplier<String> delimiters;

  public KeyValueFile(Path path) {
    this(path, () -> "ghadelimiter_" + UUID.randomUUID());
  }

  KeyValueFile(Path path, Supplier<String> delimiters) {
    this.path = path;
    this.delimiters = delimiters;
  }

  public Path path() {
    return path;
  }

  /** The text for these pairs, in order; no I/O, so a caller can prepare every file before writing any. */
  public String format(SequencedMap<String, String> pairs) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> pair : pairs.entrySet()) {
      String name = pair.getKey();
      String value = pair.getValue() == null ? "" : pair.getValue();
      if (name == null || name.isEmpty() || name.contains("\n") || name.contains("\r") || name.contains("=")
          || name.contains("<<")) {
        throw new IllegalArgumentException("not a valid name for a file command: '" + name + "'");
      }
      String delimiter = delimiters.get();
      if (name.contains(delimiter) || value.contains(delimiter)) {
        // never shown: the value may be a secret
        throw new IllegalArgumentException("the value of " + name + " contains the heredoc delimiter");
      }
      text.append(name).append("<<").append(delimiter).append('\n')
          .append(value).append('\n')
          .append(delimiter).append('\n');
    }
    return text.toString();
  }

  /** Appends prepared text in one write. The file must exist: the runner creates it for each step. */
  public void append(String text) throws IOException {
    if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "the runner creates this file");
    Files.writeString(path, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }
}
