package dev.awsoidc.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE file the way the runner does on Linux: a line-for-line
 * port of actions/runner {@code FileCommandManager.cs} {@code EnvFileKeyValuePairs} and {@code ReadLine}
 * (../shared/reference/actions-runtime.md §4.3). Test code: the reference our writer must satisfy, written from
 * the runner's rules, not from our writer.
 *
 * <ul>
 *   <li>Lines end at {@code \n} only; a {@code \r} stays in the line. Empty lines are skipped.
 *   <li>Per line, whichever comes first of {@code =} and {@code <<} decides.
 *   <li>{@code NAME=VALUE} splits on the first {@code =}; the runner checks the line, not the name, for
 *       emptiness, so an empty name gets through (a bug kept here on purpose).
 *   <li>{@code NAME<<DELIM}: empty name or delimiter is an error; the value is the text up to the newline before
 *       the first line exactly equal to DELIM (ordinal). No such line: "Matching delimiter not found"; a last
 *       value line without its newline: "EOF marker missing new line". The delimiter line itself may lack one.
 *   <li>A name given twice: the later value wins (the runner sets them in order).
 * </ul>
 */
public final class RunnerFileParser {
  private RunnerFileParser() {}

  public static Map<String, String> parse(String text) {
    Map<String, String> result = new LinkedHashMap<>();
    parse(text, result);
    return result;
  }

  /**
   * What the runner applies from a file: it sets each pair as the parser yields it, so the pairs before an
   * error are applied, and then the step fails with the error.
   */
  public record Applied(Map<String, String> pairs, String error) {}

  public static Applied apply(String text) {
    Map<String, String> result = new LinkedHashMap<>();
    try {
      parse(text, result);
      return new Applied(result, null);
    } catch (IllegalStateException e) {
      return new Applied(result, e.getMessage());
    }
  }

  private static void parse(String text, Map<String, String> result) {
    int[] index = {0};
    String[] newline = new String[1];
    String line = readLine(text, index, newline);
    while (line != null) {
      if (!line.isEmpty()) {
        String key;
        String output;
        int equalsIndex = line.indexOf('=');
        int heredocIndex = line.indexOf("<<");
        if (equalsIndex >= 0 && (heredocIndex < 0 || equalsIndex < heredocIndex)) {
          key = line.substring(0, equalsIndex);
          output = line.substring(equalsIndex + 1);
        } else if (heredocIndex >= 0 && (equalsIndex < 0 || heredocIndex < equalsIndex)) {
          key = line.substring(0, heredocIndex);
          String delimiter = line.substring(heredocIndex + 2);
          if (key.isEmpty() || delimiter.isEmpty()) {
            throw new IllegalStateException("Invalid format '" + line + "'. Name must not be empty and delimiter "
                + "must not be empty");
          }
          int startIndex = index[0];
          int endIndex = index[0];
          String tempLine = readLine(text, index, newline);
          while (!delimiter.equals(tempLine)) {
            if (tempLine == null) {
              throw new IllegalStateException("Invalid value. Matching delimiter not found '" + delimiter + "'");
            }
            if (newline[0] == null) throw new IllegalStateException("Invalid value. EOF marker missing new line.");
            endIndex = index[0] - newline[0].length();
            tempLine = readLine(text, index, newline);
          }
          output = endIndex > startIndex ? text.substring(startIndex, endIndex) : "";
        } else {
          throw new IllegalStateException("Invalid format '" + line + "'");
        }
        result.remove(key); // the later value wins, and comes last
        result.put(key, output);
      }
      line = readLine(text, index, newline);
    }
  }

  /** The runner's ReadLine on Linux: up to the next \n, which is consumed; null at the end of the text. */
  private static String readLine(String text, int[] index, String[] newline) {
    if (index[0] >= text.length()) {
      newline[0] = null;
      return null;
    }
    int originalIndex = index[0];
    int lfIndex = text.indexOf('\n', index[0]);
    if (lfIndex < 0) {
      index[0] = text.length();
      newline[0] = null;
      return text.substring(originalIndex);
    }
    index[0] = lfIndex + 1;
    newline[0] = "\n";
    return text.substring(originalIndex, lfIndex);
  }
}
