package dev.awsoidc.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.runner.Hostile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export NAME='value'} lines, evaluated by the real bash and dash the way users run them
 * ({@code eval "$(…)"}): every value comes back byte for byte, and nothing in a value ever runs.
 */
class ShellQuoteTest {
  /** bash, and dash as POSIX sh (Debian's /bin/sh); plain sh where dash is not installed. */
  private static final List<String> SHELLS = List.of("bash", onPath("dash") ? "dash" : "sh");

  private static boolean onPath(String program) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }
  @TempDir Path dir;

  /** Values that try to run {@code touch <canary>} in every way a shell might. */
  private static List<String> attacks(Path canary) {
    String touch = "touch " + canary;
    return List.of("$(" + touch + ")", "`" + touch + "`", "'; " + touch + "; '", "\"; " + touch + "; \"",
        "'$(" + touch + ")'", "\\'; " + touch + " #", "'\\''; " + touch + "; '\\''", "\n" + touch + "\n",
        "';\n" + touch + "\n'", "${X:=$(" + touch + ")}", "$((1+1))$(" + touch + ")", "!!; " + touch,
        "'\"'\"'; " + touch + "; '", "\\\n" + touch, "$'\\x27'; " + touch, "EOF\n" + touch + "\nEOF");
  }

  /** The values' bytes after {@code eval "$(cat file)"; printf '%s\0' "$V0" "$V1" ...} in {@code shell}. */
  private List<byte[]> evaluate(String shell, List<String> values) throws IOException, InterruptedException {
    StringBuilder script = new StringBuilder();
    StringBuilder print = new StringBuilder("printf '%s\\0'");
    for (int i = 0; i < values.size(); i++) {
      script.append(ShellQuote.exportLine("V" + i, values.get(i))).append('\n');
      print.append(" \"$V").append(i).append('"');
    }
    Path file = Files.writeString(dir.resolve("exports.sh"), script, StandardCharsets.UTF_8);
    ProcessBuilder builder = new ProcessBuilder(shell, "-c", "eval \"$(cat \"$1\")\"; " + print, "sh", file.toString())
        .directory(dir.toFile()).redirectErrorStream(false);
    builder.environment().put("LC_ALL", "C");
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), shell + " failed: " + err);
    assertEquals("", err, shell + " complained");
    List<byte[]> results = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        results.add(java.util.Arrays.copyOfRange(out, start, i));
        start = i + 1;
      }
    }
    return results;
  }

  private void assertRoundTrip(List<String> values, Path canary) throws Exception {
    for (String shell : SHELLS) {
      List<byte[]> results = evaluate(shell, values);
      assertEquals(values.size(), results.size(), shell);
      for (int i = 0; i < values.size(); i++) {
        assertEquals(Hostile.escaped(values.get(i)),
            Hostile.escaped(new String(results.get(i), StandardCharsets.UTF_8)), shell + ": V" + i);
        assertTrue(java.util.Arrays.equals(values.get(i).getBytes(StandardCharsets.UTF_8), results.get(i)));
      }
      assertFalse(Files.exists(canary), shell + " ran something from a value");
    }
  }

  @Test
  void everyValueComesBackExactlyAndNothingRuns() {
    Path canary = dir.resolve("canary");
    List<String> attacks = attacks(canary);
    Hostile.forAll(150, random -> Hostile.listOf(random, 1, 4, r -> value(r, attacks)),
        values -> assertRoundTrip(values, canary));
  }

  private static String value(SplittableRandom random, List<String> attacks) {
    return switch (random.nextInt(3)) {
      case 0 -> Hostile.oneOf(random, attacks);
      case 1 -> Hostile.text(random) + Hostile.oneOf(random, attacks) + Hostile.text(random);
      default -> Hostile.text(random);
    };
  }

  @Test
  void everyAttackOnItsOwn() throws Exception {
    Path canary = dir.resolve("canary");
    assertRoundTrip(attacks(canary), canary);
  }

  @Test
  void oneMebibyteValue() throws Exception {
    Path canary = dir.resolve("canary");
    String big = Hostile.oneMebibyte("$(touch " + canary + ")'`");
    assertRoundTrip(List.of(big, "after"), canary);
  }

  @Test
  void theQuotingItself() {
    assertEquals("''", ShellQuote.quote(""));
    assertEquals("'it'\\''s'", ShellQuote.quote("it's"));
    assertEquals("'a\nb'", ShellQuote.quote("a\nb"));
    assertEquals("export AWS_REGION='eu-west-1'", ShellQuote.exportLine("AWS_REGION", "eu-west-1"));
  }

  @Test
  void nulAndLoneSurrogatesAreRefusedWithoutShowingTheValue() {
    IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
        () -> ShellQuote.exportLine("AWS_SESSION_TOKEN", "secret-part\0more"));
    assertEquals("AWS_SESSION_TOKEN: the value contains a NUL character at position 12, which no shell variable "
        + "can hold", nul.getMessage());
    IllegalArgumentException surrogate = assertThrows(IllegalArgumentException.class,
        () -> ShellQuote.quote("secret\uD800"));
    assertFalse(surrogate.getMessage().contains("secret"));
    Hostile.forAll(300, Hostile::anyText, value -> {
      boolean refused = value.indexOf('\0') >= 0 || !Hostile.isValidUnicode(value);
      if (refused) {
        String message = assertThrows(IllegalArgumentException.class, () -> ShellQuote.exportLine("X", value))
            .getMessage();
        assertTrue(message.startsWith("X: "), message);
      } else {
        assertTrue(ShellQuote.exportLine("X", value).startsWith("export X='"));
      }
    });
  }

  /** A shell identifier, checked character by character (POSIX: a name is letters, digits and '_'). */
  private static boolean isShellName(String name) {
    if (name.isEmpty()) return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
      if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
  }

  @Test
  void namesMustBeShellIdentifiers() {
    for (String bad : new String[] {"", "1A", "A-B", "A B", "A=B", "A;touch x", "$(x)", "Ä", "A\n"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShellQuote.exportLine(bad, "v"));
      assertTrue(e.getMessage().endsWith(" is not a shell variable name: use letters, digits and '_', not "
          + "starting with a digit"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
    Hostile.forAll(300, random -> random.nextBoolean() ? Hostile.text(random)
        : Hostile.oneOf(random, List.of("AWS_REGION", "_x", "a1", "A_B_C", "x")), name -> {
          if (isShellName(name)) {
            assertEquals("export " + name + "='v'", ShellQuote.exportLine(name, "v"));
          } else {
            assertThrows(IllegalArgumentException.class, () -> ShellQuote.exportLine(name, "v"));
          }
        });
  }
}
