package dev.awsoidc.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ::add-mask::} survives the runner's command parser for any secret, the runner then masks what our own
 * masker masks, and both mask each line of a multi-line secret.
 */
class MaskProperties {

  private static byte[] addMask(SecretMasker masker, String secret) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    new WorkflowCommands(new PrintStream(stdout, true, StandardCharsets.UTF_8), masker, false).addMask(secret);
    return stdout.toByteArray();
  }

  /** Secrets are valid Unicode: a lone surrogate would be printed as '?' by any UTF-8 encoder. */
  @Test
  void addMaskRoundTripsThroughTheRunnersParser() {
    Hostile.forAll(500, random -> List.of(Hostile.text(random), Hostile.text(random), Hostile.text(random)),
        strings -> addMaskRoundTrips(strings.get(0), strings.get(1), strings.get(2)));
  }

  private static void addMaskRoundTrips(String secret, String before, String after) {
    SecretMasker masker = new SecretMasker();
    byte[] stdout = addMask(masker, secret);
    RunnerCommands runner = new RunnerCommands();
    List<String> lines = RunnerCommands.lines(stdout);
    if (lines.isEmpty()) {
      // nothing printed: only for a value the runner would refuse ("Can't add secret mask for empty string")
      runner.addMask(secret);
      assertTrue(runner.secrets().isEmpty());
      assertEquals(List.of(), masker.values());
      return;
    }
    assertEquals(1, lines.size(), "one line, whatever the secret holds");
    RunnerCommands.Command command = RunnerCommands.parse(lines.getFirst());
    assertNotNull(command);
    assertEquals("add-mask", command.name());
    assertEquals(secret, command.data(), "the runner unescapes exactly the secret");
    runner.addMask(command.data());
    assertEquals(new LinkedHashSet<>(runner.secrets()), new LinkedHashSet<>(masker.values()),
        "the same values registered: the whole secret and each trimmed line");
    String shown = before + secret + after + secret.replace("\n", " and ");
    assertEquals(runner.mask(shown), masker.redact(shown), "we mask as the runner masks");
  }

  @Test
  void escapingIsPercentFirstAndLeavesNoLineBreak() {
    Hostile.forAll(300, Hostile::text, MaskProperties::escapingRoundTrips);
  }

  private static void escapingRoundTrips(String data) {
    String escaped = WorkflowCommand.escapeData(data);
    assertFalse(escaped.contains("\n") || escaped.contains("\r"));
    assertEquals(data, RunnerCommands.unescapeData(escaped));
    String property = WorkflowCommand.escapeProperty(data);
    assertFalse(property.contains(",") || property.contains(":") || property.contains("\n"));
    assertEquals(data, RunnerCommands.unescapeProperty(property));
  }

  @Test
  void aMultiLineSecretIsMaskedWholeAndLineByLine() {
    String pem = "-----BEGIN KEY-----\r\n  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC  \nAmZ1bGxsaW5l%0A\n-----END KEY-----\n";
    SecretMasker masker = new SecretMasker();
    byte[] stdout = addMask(masker, pem);
    assertEquals("::add-mask::-----BEGIN KEY-----%0D%0A  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC  %0AAmZ1bGxsaW5l%250A%0A"
        + "-----END KEY-----%0A\n", new String(stdout, StandardCharsets.UTF_8));
    assertEquals(List.of(pem, "-----BEGIN KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "AmZ1bGxsaW5l%0A",
        "-----END KEY-----"), masker.values());
    assertEquals("line: ***, and *** alone", masker.redact("line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC, and "
        + "AmZ1bGxsaW5l%0A alone"));
  }

  @Test
  void overlappingAndTouchingSecretsBecomeOneMask() {
    SecretMasker masker = new SecretMasker();
    masker.add("abcd");
    masker.add("cdef");
    masker.add("gh");
    assertEquals("x *** y", masker.redact("x abcdefgh y"), "overlapping, then touching: one stretch, as the runner");
  }

  @Test
  void oneMebibyteSecret() {
    String big = Hostile.oneMebibyte("s3cr3t");
    SecretMasker masker = new SecretMasker();
    byte[] stdout = addMask(masker, big);
    List<String> lines = RunnerCommands.lines(stdout);
    assertEquals(1, lines.size());
    assertEquals(big, RunnerCommands.parse(lines.getFirst()).data());
    RunnerCommands runner = new RunnerCommands();
    runner.addMask(big);
    assertEquals(new LinkedHashSet<>(runner.secrets()), new LinkedHashSet<>(masker.values()));
    String shown = "before " + big + " after";
    assertEquals(runner.mask(shown), masker.redact(shown));
  }
}
