package dev.awsoidc.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Inputs are read as @actions/core reads them, whatever the value. */
class ActionInputsProperties {

  /** ECMAScript's WhiteSpace and LineTerminator code points, listed from the spec (what String.trim removes). */
  private static final String JS_WHITESPACE = "\t\n\u000B\f\r \u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
      + "\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF";

  static String jsTrim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && JS_WHITESPACE.indexOf(value.charAt(start)) >= 0) start++;
    while (end > start && JS_WHITESPACE.indexOf(value.charAt(end - 1)) >= 0) end--;
    return value.substring(start, end);
  }

  /** core.getInput: env value or '', trimmed. */
  static String getInput(String value) {
    return jsTrim(value == null ? "" : value);
  }

  /** core.getMultilineInput: split on \n, drop '', trim each; we also drop lines that trimming empties. */
  static List<String> getMultilineInput(String value) {
    return Arrays.stream(getInput(value).split("\n", -1)).filter(line -> !line.isEmpty()).map(ActionInputsProperties::jsTrim)
        .filter(line -> !line.isEmpty()).toList();
  }

  @Test
  void everyValueIsTrimmedAsActionsCoreTrimsIt() {
    Hostile.forAll(500, Hostile::anyText, value -> {
      ActionInputs inputs = new ActionInputs(Map.of("INPUT_ROLE-TO-ASSUME", value));
      String expected = getInput(value);
      assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(expected), inputs.get("role-to-assume"));
      assertEquals(getMultilineInput(value), inputs.getLines("role-to-assume"));
    });
  }

  @Test
  void namesMapAsTheRunnerMapsThem() {
    Hostile.forAll(200, Hostile::text, name -> {
      String variable = ActionInputs.variableName(name);
      // ToUpperInvariant maps character by character: spaces are gone, the rest is upper-cased one by one
      assertEquals(-1, variable.indexOf(' '));
      StringBuilder expected = new StringBuilder("INPUT_");
      for (int i = 0; i < name.length(); ) {
        int c = name.codePointAt(i);
        expected.appendCodePoint(c == ' ' ? '_' : Character.toUpperCase(c));
        i += Character.charCount(c);
      }
      assertEquals(expected.toString(), variable);
    });
  }

  @Test
  void namesUseSimpleUpperCasing() {
    assertEquals("INPUT_ROLE-TO-ASSUME", ActionInputs.variableName("role-to-assume"));
    assertEquals("INPUT_MY_INPUT", ActionInputs.variableName("my input"));
    assertEquals("INPUT_STRASSE", ActionInputs.variableName("strasse"));
    assertEquals("INPUT_ßTRAßE", ActionInputs.variableName("ßtraße"), ".NET keeps ß; Java's toUpperCase makes SS");
    assertEquals("INPUT_ﬁ", ActionInputs.variableName("ﬁ"));
  }

  @Test
  void whitespaceThatJavaAndJavaScriptDisagreeOn() {
    ActionInputs inputs = new ActionInputs(Map.of("INPUT_A", "\u00A0\uFEFFvalue\u2007", "INPUT_B", "\u001Cvalue\u001F",
        "INPUT_C", "\u00A0\u3000 \n"));
    assertEquals("value", inputs.get("a").orElseThrow(), "JavaScript trims NBSP, BOM and figure space");
    assertEquals("\u001Cvalue\u001F", inputs.get("b").orElseThrow(), "but not the separators U+001C-U+001F");
    assertEquals(Optional.empty(), inputs.get("c"));
  }

  @Test
  void oneMebibyteValues() {
    String big = Hostile.oneMebibyte("value");
    ActionInputs inputs = new ActionInputs(Map.of("INPUT_BIG", " \n" + big + "\n\t", "INPUT_LINES", big));
    assertEquals(jsTrim(big), inputs.get("big").orElseThrow());
    assertEquals(getMultilineInput(big), inputs.getLines("lines"));
  }
}
