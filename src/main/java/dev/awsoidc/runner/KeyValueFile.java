package dev.awsoidc.runner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A file command that takes name/value pairs: {@code GITHUB_ENV}, {@code GITHUB_OUTPUT}, {@code GITHUB_STATE}.
 * Every pair is written in the heredoc form, {@code NAME<<DELIM\nVALUE\nDELIM\n}, which carries any value; the
 * runner stops a value at the first line equal to the delimiter, so the delimiter is random and checked
 * against the name and the value. UTF-8 and {@code \n} only: on Linux a {@code \r} would stay in the line.
 *
 * <p>What cannot round-trip through the runner's parser is refused, naming the pair, never showing the value:
 * a name that is empty or holds {@code =}, {@code <<}, CR or LF; NUL anywhere (no environment variable can hold
 * it); text that is not valid Unicode (a lone surrogate has no UTF-8 form).
 *
 * <p>An append is all or nothing as far as the OS allows: the whole text goes in one write, and if that fails
 * (a full disk, a file size limit) the file is truncated back to its earlier length, so the runner, which reads
 * the file after the step, parses none of the new pairs.
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

  /**
   * The text for these pairs, in order; no I/O, so a caller can prepare every file before writing any.
   *
   * @throws IllegalArgumentException naming the first pair that cannot be written, never showing a value
   */
  public String format(SequencedMap<String, String> pairs) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> pair : pairs.entrySet()) {
      String name = pair.getKey();
      String value = pair.getValue() == null ? "" : pair.getValue();
      checkName(name);
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("the value of " + shown(name) + " contains a NUL character, which no "
            + "environment variable or output can hold");
      }
      if (!isValidUnicode(value)) {
        throw new IllegalArgumentException("the value of " + shown(name) + " is not valid Unicode text (it has a "
            + "lone surrogate), so it has no UTF-8 form");
      }
      String delimiter = delimiters.get();
      if (name.contains(delimiter) || value.contains(delimiter)) {
        // never shown: the value may be a secret
        throw new IllegalArgumentException("the value of " + shown(name) + " contains the heredoc delimiter");
      }
      text.append(name).append("<<").append(delimiter).append('\n')
          .append(value).append('\n')
          .append(delimiter).append('\n');
    }
    return text.toString();
  }

  private static void checkName(String name) {
    String problem = name == null || name.isEmpty() ? "it is empty"
        : name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 ? "it contains a line break"
        : name.indexOf('=') >= 0 ? "it contains '='"
        : name.contains("<<") ? "it contains '<<'"
        // NAME<<DELIMITER: the runner splits at the first '<<', so a trailing '<' would move into the delimiter
        : name.endsWith("<") ? "it ends with '<'"
        : name.indexOf('\0') >= 0 ? "it contains a NUL character"
        : !isValidUnicode(name) ? "it is not valid Unicode text"
        : null;
    if (problem != null) {
      throw new IllegalArgumentException("not a valid name for a file command, " + shown(name) + ": " + problem);
    }
  }

  /** The name in quotes, with line breaks and control characters escaped so the message stays one line. */
  private static String shown(String name) {
    if (name == null) return "null";
    StringBuilder shown = new StringBuilder("'");
    name.codePoints().limit(200).forEach(c -> {
      if (c == '\n') shown.append("\\n");
      else if (c == '\r') shown.append("\\r");
      else if (Character.isISOControl(c) || Character.isSurrogate((char) c) && c <= 0xFFFF) {
        shown.append(String.format("\\u%04X", c));
      } else shown.appendCodePoint(c);
    });
    if (name.codePointCount(0, name.length()) > 200) shown.append("...");
    return shown.append("'").toString();
  }

  private static boolean isValidUnicode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Appends prepared text in one write. The file must exist: the runner creates it for each step. If the write
   * fails, the file is truncated back to its earlier length and the exception says so.
   */
  public void append(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel = open()) {
      long before = channel.size();
      try {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) channel.write(buffer); // one write(2) unless the OS writes short
      } catch (IOException e) {
        throw undo(channel, before, e);
      }
    }
  }

  /**
   * Appends to several files, all or nothing: if any write fails, the files written before it are truncated
   * back too (for GITHUB_ENV and GITHUB_OUTPUT, so that neither keeps credentials when the other failed).
   */
  public static void appendAll(SequencedMap<KeyValueFile, String> texts) throws IOException {
    List<FileChannel> open = new ArrayList<>();
    List<Long> lengths = new ArrayList<>();
    try {
      for (KeyValueFile file : texts.sequencedKeySet()) {
        FileChannel channel = file.open();
        open.add(channel);
        lengths.add(channel.size());
      }
      int index = 0;
      for (Map.Entry<KeyValueFile, String> entry : texts.entrySet()) {
        FileChannel channel = open.get(index);
        try {
          ByteBuffer buffer = ByteBuffer.wrap(entry.getValue().getBytes(StandardCharsets.UTF_8));
          while (buffer.hasRemaining()) channel.write(buffer);
        } catch (IOException e) {
          IOException failure = entry.getKey().undo(channel, lengths.get(index), e);
          for (int earlier = 0; earlier < index; earlier++) {
            try {
              open.get(earlier).truncate(lengths.get(earlier));
            } catch (IOException undo) {
              failure.addSuppressed(undo);
            }
          }
          throw failure;
        }
        index++;
      }
    } finally {
      for (FileChannel channel : open) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing a file we only appended to: the data is written or already undone
        }
      }
    }
  }

  private FileChannel open() throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "the runner creates this file for each step");
    }
    return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Truncates back to {@code before} and explains; the OS's reason (disk full, file too large) is kept. */
  private IOException undo(FileChannel channel, long before, IOException failure) {
    String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    try {
      channel.truncate(before);
      return new IOException("could not append to " + path + " (" + reason + "); it was truncated back to its "
          + before + " earlier bytes, so none of these values was written", failure);
    } catch (IOException undo) {
      IOException both = new IOException("could not append to " + path + " (" + reason + "), and could not "
          + "truncate it back to its " + before + " earlier bytes (" + undo.getMessage() + "): it may end in a "
          + "partial entry, which the runner will refuse", failure);
      both.addSuppressed(undo);
      return both;
    }
  }
}
