package dev.awsoidc.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whatever the names and values, the file-command writer either refuses a pair (naming it, never showing the
 * value) or writes text that the runner's parser reads back to exactly the pairs given.
 */
class KeyValueFileProperties {
  private static final String EARLIER = "EARLIER=kept\n";

  record Pair(String name, String value) {
    @Override
    public String toString() {
      return Hostile.escaped(name) + "=" + Hostile.escaped(value);
    }
  }

  static List<Pair> pairs(SplittableRandom random) {
    return Hostile.listOf(random, 1, 4, r -> new Pair(r.nextInt(5) < 3
        ? Hostile.oneOf(r, List.of("AWS_ACCESS_KEY_ID", "aws-session-token", "A", "zoë", "NAME WITH SPACE"))
        : Hostile.anyText(r), Hostile.anyText(r)));
  }

  /** Our policy, from the runner's rules (§4.3): what must be refused; everything else must round-trip. */
  static String refusal(String name, String value, String delimiter) {
    if (name.isEmpty()) return "empty name";
    if (name.contains("\n") || name.contains("\r")) return "line break in the name";
    if (name.contains("=") || name.contains("<<")) return "'=' or '<<' in the name: the runner splits there";
    if (name.endsWith("<")) return "a trailing '<': NAME<<DELIM would split one character early";
    if (name.contains("\0") || value.contains("\0")) return "NUL";
    if (!Hostile.isValidUnicode(name) || !Hostile.isValidUnicode(value)) return "no UTF-8 form";
    if (delimiter != null && (name.contains(delimiter) || value.contains(delimiter))) return "the delimiter";
    return null;
  }

  private static void check(KeyValueFile writer, List<Pair> pairs, String delimiter) {
    SequencedMap<String, String> map = new LinkedHashMap<>();
    for (Pair pair : pairs) map.put(pair.name(), pair.value());
    String expectedRefusal = null;
    for (Map.Entry<String, String> pair : map.entrySet()) {
      expectedRefusal = refusal(pair.getKey(), pair.getValue(), delimiter);
      if (expectedRefusal != null) break;
    }
    if (expectedRefusal != null) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.format(map),
          expectedRefusal);
      assertFalse(e.getMessage().contains("\n"), "one line");
      for (String value : map.values()) {
        if (value.length() >= 12 && map.keySet().stream().noneMatch(n -> n.contains(value))) {
          assertFalse(e.getMessage().contains(value), "never the value");
        }
      }
      return;
    }
    String text = writer.format(map);
    // through the file's bytes, as the runner reads them
    byte[] file = (EARLIER + text).getBytes(StandardCharsets.UTF_8);
    SequencedMap<String, String> expected = new LinkedHashMap<>();
    expected.put("EARLIER", "kept");
    for (Map.Entry<String, String> pair : map.entrySet()) {
      expected.remove(pair.getKey());
      expected.put(pair.getKey(), pair.getValue());
    }
    assertEquals(expected, RunnerFileParser.parse(new String(file, StandardCharsets.UTF_8)));
    assertTrue(text.endsWith("\n"));
  }

  @Test
  void everyPairIsRefusedOrRoundTrips() {
    Hostile.forAll(400, KeyValueFileProperties::pairs,
        pairs -> check(new KeyValueFile(java.nio.file.Path.of("unused")), pairs, null));
  }

  /** With a delimiter the generator knows and uses, a value holding it must never break out of its block. */
  @Test
  void aValueHoldingTheDelimiterNeverBreaksOut() {
    Hostile.forAll(400, KeyValueFileProperties::pairs,
        pairs -> check(new KeyValueFile(java.nio.file.Path.of("unused"), () -> "EOF"), pairs, "EOF"));
  }

  @Test
  void anInjectionAttemptIsRefused() {
    KeyValueFile writer = new KeyValueFile(java.nio.file.Path.of("unused"), () -> "EOF");
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("AWS_REGION", "us-east-1\nEOF\nNODE_OPTIONS=--require /tmp/evil.js");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.format(pairs));
    assertEquals("the value of 'AWS_REGION' contains the heredoc delimiter", e.getMessage());
  }

  @Test
  void namesAreShownOnOneLine() {
    KeyValueFile writer = new KeyValueFile(java.nio.file.Path.of("unused"));
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("A\nB=C", "v");
    assertEquals("not a valid name for a file command, 'A\\nB=C': it contains a line break",
        assertThrows(IllegalArgumentException.class, () -> writer.format(pairs)).getMessage());
  }

  @Test
  void oneMebibyteValuesRoundTrip() {
    String big = Hostile.oneMebibyte("secret");
    SequencedMap<String, String> pairs = new LinkedHashMap<>();
    pairs.put("BIG", big);
    pairs.put("BIG_WITH_CR_LINES", big.replace("\n", "\r\n") + "\r");
    pairs.put("AFTER", "still here");
    KeyValueFile writer = new KeyValueFile(java.nio.file.Path.of("unused"));
    assertEquals(Map.of("EARLIER", "kept", "BIG", pairs.get("BIG"), "BIG_WITH_CR_LINES",
        pairs.get("BIG_WITH_CR_LINES"), "AFTER", "still here"), RunnerFileParser.parse(EARLIER + writer.format(pairs)));
  }

  @Test
  void theReferenceParserFollowsTheRunnersEdgeCases() {
    assertEquals(Map.of("", "x"), RunnerFileParser.parse("=x\n"), "the runner's empty-name bug");
    assertEquals(Map.of("A", "1=2<<3"), RunnerFileParser.parse("A=1=2<<3"));
    assertEquals(Map.of("A", ""), RunnerFileParser.parse("A<<D\nD"), "closing line without newline");
    assertEquals(Map.of("A", "\n"), RunnerFileParser.parse("A<<D\n\n\nD\n"));
    assertEquals(Map.of("A", "x\r"), RunnerFileParser.parse("A<<D\nx\r\nD\n"), "CR stays on Linux");
    assertEquals(Map.of("A", "D\r\nx"), RunnerFileParser.parse("A<<D\nD\r\nx\nD\n"), "D\\r is not D");
    assertEquals("Invalid value. Matching delimiter not found 'D'",
        assertThrows(IllegalStateException.class, () -> RunnerFileParser.parse("A<<D\nx\n")).getMessage());
    assertEquals("Invalid value. EOF marker missing new line.",
        assertThrows(IllegalStateException.class, () -> RunnerFileParser.parse("A<<D\nx")).getMessage());
    assertThrows(IllegalStateException.class, () -> RunnerFileParser.parse("<<D\nx\nD\n"));
    assertThrows(IllegalStateException.class, () -> RunnerFileParser.parse("A<<\nx\n\n"));
    assertThrows(IllegalStateException.class, () -> RunnerFileParser.parse("just words\n"));
  }
}
