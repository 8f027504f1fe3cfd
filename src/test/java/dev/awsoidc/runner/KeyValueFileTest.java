package dev.awsoidc.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyValueFileTest {
  @TempDir Path dir;

  @Test
  void everyValueRoundTripsThroughTheRunnersParser() throws Exception {
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
    pairs.put("AWS_SECRET_ACCESS_KEY", "wJalr/K7MDENG+bPxRfi=CYEXAMPLEKEY");
    pairs.put("MULTI", "line one\nline two\n\nline four");
    pairs.put("EQUALS", "a=b<<c");
    pairs.put("UNICODE", "zoë ☃");
    pairs.put("EMPTY", "");
    Path file = Files.createFile(dir.resolve("set_env"));
    Files.writeString(file, "EARLIER=1\n");
    KeyValueFile writer = new KeyValueFile(file);

    writer.append(writer.format(pairs));

    String content = Files.readString(file, StandardCharsets.UTF_8);
    SequencedMap<String, String> expected = new LinkedHashMap<>();
    expected.put("EARLIER", "1");
    expected.putAll(pairs);
    assertEquals(expected, RunnerFileParser.parse(content));
    assertTrue(!content.contains("\r"), "only \\n line ends");
    assertTrue(content.endsWith("\n"));
  }

  @Test
  void eachPairGetsItsOwnRandomDelimiter() {
    KeyValueFile writer = new KeyValueFile(dir.resolve("x"));
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("A", "1");
    pairs.put("B", "2");
    String text = writer.format(pairs);
    String first = text.lines().findFirst().orElseThrow().substring("A<<".length());
    assertTrue(first.startsWith("ghadelimiter_"));
    assertTrue(!text.contains("B<<" + first), "a fresh delimiter for each value");
  }

  @Test
  void aValueContainingTheDelimiterIsRefusedWithoutShowingIt() {
    KeyValueFile writer = new KeyValueFile(dir.resolve("x"), () -> "EOF");
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("SECRET", "top\nEOF\nsecret-value");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.format(pairs));
    assertTrue(!e.getMessage().contains("secret-value"));
  }

  @Test
  void badNamesAreRefused() {
    KeyValueFile writer = new KeyValueFile(dir.resolve("x"));
    for (String name : new String[] {"", "A=B", "A<<B", "A\nB"}) {
      SequencedMap<String, String> pairs = new LinkedHashMap<>();
      pairs.put(name, "v");
      assertThrows(IllegalArgumentException.class, () -> writer.format(pairs), name);
    }
  }

  @Test
  void aMissingFileIsAnErrorNotACreatedFile() {
    Path missing = dir.resolve("missing");
    KeyValueFile writer = new KeyValueFile(missing);
    assertThrows(NoSuchFileException.class, () -> writer.append("A<<X\n1\nX\n"));
    assertTrue(!Files.exists(missing));
  }
}
