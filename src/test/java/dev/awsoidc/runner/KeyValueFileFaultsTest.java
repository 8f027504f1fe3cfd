package dev.awsoidc.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's files when the OS says no: missing, unwritable, a full disk, a file size limit. Every failure is
 * an exception that says what happened, and the file ends as it began, so the runner (which reads it after the
 * step) applies none of the new pairs. The contrast cases show what a plain append would have left.
 */
class KeyValueFileFaultsTest {
  private static final String EARLIER = "EARLIER=kept\n";
  @TempDir Path dir;
  private final List<Path> mounts = new ArrayList<>();

  /** Shaped like what GitHubActionsExport writes: short key id and secret, then a long session token. */
  static SequencedMap<String, String> credentials() {
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE01");
    pairs.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    pairs.put("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjE" + "A".repeat(6000));
    pairs.put("AWS_REGION", "eu-west-1");
    return pairs;
  }

  /** A tmpfs of {@code size} bytes, or the test is skipped where mounting is not allowed (not root). */
  private Path tmpfs(String options) throws Exception {
    Path mount = Files.createDirectory(dir.resolve("tmpfs" + mounts.size()));
    Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0,
        "cannot mount a tmpfs here (needs root): " + output);
    mounts.add(mount);
    return mount;
  }

  @AfterEach
  void unmount() throws Exception {
    for (Path mount : mounts.reversed()) {
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String earlierLines(int bytes) {
    StringBuilder text = new StringBuilder(EARLIER);
    for (int i = 0; text.length() + 40 <= bytes; i++) text.append(String.format("PADDING_%03d=%029d%n", i, i));
    return text.toString();
  }

  @Test
  void aMissingFileOrDirectoryIsAnErrorAndNothingIsCreated() {
    for (Path missing : List.of(dir.resolve("set_env"), dir.resolve("no-such-dir/set_env"))) {
      KeyValueFile file = new KeyValueFile(missing);
      NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> file.append(file.format(credentials())));
      assertEquals(missing + ": the runner creates this file for each step", e.getMessage());
      assertFalse(Files.exists(missing));
    }
  }

  @Test
  void aDirectoryIsAnError() {
    KeyValueFile file = new KeyValueFile(dir);
    FileSystemException e = assertThrows(FileSystemException.class, () -> file.append("A<<D\n1\nD\n"));
    assertTrue(e.getMessage().contains("Is a directory"), e.getMessage());
  }

  @Test
  void anUnwritableFileIsAnErrorAndStaysAsItWas() throws Exception {
    Path file;
    if ("root".equals(System.getProperty("user.name"))) {
      // root writes through permissions: a read-only file system is what stops it
      Path mount = tmpfs("size=64k");
      file = Files.writeString(mount.resolve("set_output"), EARLIER);
      Process remount = new ProcessBuilder("mount", "-o", "remount,ro", mount.toString()).inheritIO().start();
      assertEquals(0, remount.waitFor());
    } else {
      file = Files.writeString(dir.resolve("set_output"), EARLIER);
      Files.setPosixFilePermissions(file, java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ));
    }
    KeyValueFile writer = new KeyValueFile(file);
    IOException e = assertThrows(IOException.class, () -> writer.append(writer.format(credentials())));
    assertTrue(e instanceof AccessDeniedException || e.getMessage().contains("Read-only file system"), e.toString());
    assertEquals(EARLIER, Files.readString(file));
  }

  @Test
  void aFullDiskMidWriteLeavesTheFileAsItWasAndTheRunnerAppliesNothingNew() throws Exception {
    Path mount = tmpfs("size=8k"); // two pages
    String earlier = earlierLines(3000);
    Path file = Files.writeString(mount.resolve("set_env"), earlier);
    KeyValueFile writer = new KeyValueFile(file);
    String text = writer.format(credentials());
    assertTrue(text.length() > 8192 - earlier.length(), "the block cannot fit: the write fails midway");

    IOException e = assertThrows(IOException.class, () -> writer.append(text));

    assertEquals("could not append to " + file + " (No space left on device); it was truncated back to its "
        + earlier.length() + " earlier bytes, so none of these values was written", e.getMessage());
    assertEquals(earlier, Files.readString(file), "byte for byte as before");
    RunnerFileParser.Applied applied = RunnerFileParser.apply(Files.readString(file));
    assertNull(applied.error());
    assertEquals(RunnerFileParser.parse(earlier), applied.pairs(), "the runner applies nothing of the block");

    // the contrast: a plain append (Files.writeString, APPEND) leaves part of the block behind
    assertThrows(IOException.class, () -> Files.writeString(file, text, StandardOpenOption.APPEND));
    RunnerFileParser.Applied plain = RunnerFileParser.apply(Files.readString(file));
    assertTrue(Files.size(file) > earlier.length(), "a partial block stays in the file");
    assertEquals("Invalid value. EOF marker missing new line.", plain.error(), "the step would fail...");
    assertEquals("ASIAEXAMPLEEXAMPLE01", plain.pairs().get("AWS_ACCESS_KEY_ID"), "...after exporting the first "
        + "pairs: what the rollback prevents");
    assertTrue(plain.pairs().containsKey("AWS_SECRET_ACCESS_KEY"));
    assertFalse(plain.pairs().containsKey("AWS_SESSION_TOKEN"));
  }

  @Test
  void aFileSizeLimitMidWriteLeavesTheFileAsItWas() throws Exception {
    String earlier = earlierLines(3000);
    Path file = Files.writeString(dir.resolve("set_output"), earlier);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = Path.of("target/classes").toAbsolutePath() + ":" + Path.of("target/test-classes").toAbsolutePath();
    // ulimit -f counts KiB in bash: the child may write files up to 8 KiB; the block would take it past that
    Process child = new ProcessBuilder("bash", "-c", "ulimit -f 8 && exec \"$0\" -XX:-UsePerfData -Xshare:auto "
        + "-cp \"$1\" dev.awsoidc.runner.AppendUnderFileSizeLimit \"$2\"", java, classPath, file.toString())
        .redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    assertEquals(3, child.exitValue(), output);
    assertEquals("could not append to " + file + " (File too large); it was truncated back to its " + earlier.length()
        + " earlier bytes, so none of these values was written", output);
    assertEquals(earlier, Files.readString(file));
    assertEquals(RunnerFileParser.parse(earlier), RunnerFileParser.parse(Files.readString(file)));
  }

  @Test
  void appendAllUndoesTheFilesWrittenBeforeTheOneThatFailed() throws Exception {
    Path env = Files.writeString(dir.resolve("set_env"), EARLIER);
    Path mount = tmpfs("size=8k");
    String earlierOutput = earlierLines(3000);
    Path output = Files.writeString(mount.resolve("set_output"), earlierOutput);
    KeyValueFile envFile = new KeyValueFile(env);
    KeyValueFile outputFile = new KeyValueFile(output);
    SequencedMap<KeyValueFile, String> texts = new LinkedHashMap<>();
    texts.put(envFile, envFile.format(credentials()));
    texts.put(outputFile, outputFile.format(credentials()));

    IOException e = assertThrows(IOException.class, () -> KeyValueFile.appendAll(texts));

    assertTrue(e.getMessage().startsWith("could not append to " + output + " (No space left on device)"));
    assertEquals(EARLIER, Files.readString(env), "GITHUB_ENV written first, then undone");
    assertEquals(earlierOutput, Files.readString(output));
    assertEquals(Map.of("EARLIER", "kept"), RunnerFileParser.parse(Files.readString(env)));
  }

  @Test
  void appendAllWritesEveryFileWhenAllIsWell() throws Exception {
    Path env = Files.writeString(dir.resolve("set_env"), EARLIER);
    Path output = Files.createFile(dir.resolve("set_output"));
    KeyValueFile envFile = new KeyValueFile(env);
    KeyValueFile outputFile = new KeyValueFile(output);
    SequencedMap<KeyValueFile, String> texts = new LinkedHashMap<>();
    texts.put(envFile, envFile.format(credentials()));
    texts.put(outputFile, outputFile.format(credentials()));
    KeyValueFile.appendAll(texts);
    SequencedMap<String, String> expected = new LinkedHashMap<>(Map.of("EARLIER", "kept"));
    expected.putAll(credentials());
    assertEquals(expected, RunnerFileParser.parse(Files.readString(env)));
    assertEquals(credentials(), RunnerFileParser.parse(Files.readString(output)));
    NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> KeyValueFile.appendAll(
        new LinkedHashMap<>(Map.of(envFile, "A<<D\n1\nD\n", new KeyValueFile(dir.resolve("gone")), "B<<D\n2\nD\n"))));
    assertTrue(missing.getMessage().contains("gone"));
    assertEquals(expected, RunnerFileParser.parse(Files.readString(env)), "nothing written when a file is missing");
  }
}
