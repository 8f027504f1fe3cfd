package dev.awsoidc.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowCommandsTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final SecretMasker masker = new SecretMasker();

  private WorkflowCommands commands(boolean debug) {
    return new WorkflowCommands(new PrintStream(bytes, true, StandardCharsets.UTF_8), masker, debug);
  }

  private String out() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dataIsEscapedPercentFirst() {
    assertEquals("100%25%0D%0Adone", WorkflowCommand.escapeData("100%\r\ndone"));
    assertEquals("%2525", WorkflowCommand.escapeData("%25"));
  }

  @Test
  void propertiesAlsoEscapeColonAndComma() {
    assertEquals("a%3Ab%2Cc%25", WorkflowCommand.escapeProperty("a:b,c%"));
    assertEquals("::error title=No%3A provider%2C sorry::it failed: 50%25",
        WorkflowCommand.of("error", Map.of("title", "No: provider, sorry"), "it failed: 50%").toLine());
  }

  @Test
  void addMaskWritesTheEscapedValueOnItsOwnLine() {
    commands(false).addMask("multi\nline%secret");
    assertEquals("::add-mask::multi%0Aline%25secret\n", out());
  }

  @Test
  void blankValuesAreNotMasked() {
    commands(false).addMask("  ");
    assertEquals("", out());
  }

  @Test
  void messagesNeverCarryAMaskedValue() {
    WorkflowCommands commands = commands(true);
    commands.addMask("s3cr3t-value");
    bytes.reset();
    commands.error("failed with s3cr3t-value", "token s3cr3t-value was rejected");
    commands.debug("sending s3cr3t-value");
    assertFalse(out().contains("s3cr3t-value"), out());
    assertTrue(out().startsWith("::error title=failed with ***::token *** was rejected\n::debug::sending ***\n"));
  }

  @Test
  void debugOnlyWhenRunnerDebugIsOne() {
    commands(false).debug("hidden");
    assertEquals("", out());
    assertTrue(WorkflowCommands.debugRequested(Map.of("RUNNER_DEBUG", "1")));
    assertFalse(WorkflowCommands.debugRequested(Map.of("RUNNER_DEBUG", "true")));
  }

  @Test
  void redactingStreamMasksLibraryOutputLineByLine() {
    masker.add("ABCDEFSECRET");
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(new RedactingOutputStream(raw, masker), true, StandardCharsets.UTF_8);
    stream.print("key ABCDEF");
    stream.println("SECRET leaked?");
    stream.println("clean");
    assertEquals("key *** leaked?\nclean\n", raw.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  @Test
  void inputsKeepHyphensAndTreatBlankAsAbsent() {
    ActionInputs inputs = new ActionInputs(Map.of(
        "INPUT_ROLE-TO-ASSUME", "  arn:aws:iam::111122223333:role/x \n",
        "INPUT_AUDIENCE", "   ",
        "INPUT_MY_INPUT", "spaces become underscores",
        "INPUT_MANAGED-SESSION-POLICIES", "\n a \n\n b\n"));
    assertEquals("INPUT_ROLE-TO-ASSUME", ActionInputs.variableName("role-to-assume"));
    assertEquals("arn:aws:iam::111122223333:role/x", inputs.get("role-to-assume").orElseThrow());
    assertTrue(inputs.get("audience").isEmpty());
    assertEquals("spaces become underscores", inputs.get("my input").orElseThrow());
    assertEquals(java.util.List.of("a", "b"), inputs.getLines("managed-session-policies"));
  }
}
