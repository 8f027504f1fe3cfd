package dev.awsoidc.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a GITHUB_ENV / GITHUB_OUTPUT file the way the runner does (actions/runner FileCommandManager.cs,
 * EnvFileKeyValuePairs): lines split on \n only; per line, whichever comes first of '=' and '<<' decides; a
 * heredoc value runs to the first line exactly equal to the delimiter. Test code: the reference our writer must
 * satisfy, written from the runner's rules, not from our writer.
 */
public final class RunnerFileParser {
  private RunnerFileParser() {}

  public static Map<String, String> parse(String content) {
    Map<String, String> result = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
    if (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) continue;
      int equals = line.indexOf('=');
      int heredoc = line.indexOf("<<");
      if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
        result.put(line.substring(0, equals), line.substring(equals + 1));
        continue;
      }
      if (heredoc < 0) throw new IllegalStateException("Invalid format '" + line + "'");
      String name = line.substring(0, heredoc);
      String delimiter = line.substring(heredoc + 2);
      if (name.isEmpty() || delimiter.isEmpty()) throw new IllegalStateException("Invalid format '" + line + "'");
      StringBuilder value = new StringBuilder();
      boolean closed = false;
      for (i = i + 1; i < lines.size(); i++) {
        if (lines.get(i).equals(delimiter)) {
          closed = true;
          break;
        }
        if (!value.isEmpty()) value.append('\n');
        value.append(lines.get(i));
      }
      if (!closed) throw new IllegalStateException("Matching delimiter not found '" + delimiter + "'");
      result.put(name, value.toString());
    }
    return result;
  }
}
