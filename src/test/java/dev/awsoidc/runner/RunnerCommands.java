package dev.awsoidc.runner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runner does with our stdout, ported from actions/runner (../shared/reference/actions-runtime.md
 * §4.1-4.2): lines as .NET's {@code StreamReader.ReadLine} splits them, {@code ActionCommand.TryParseV2} with its
 * unescaping, the add-mask registration (whole value, then each line trimmed) and
 * {@code SecretMasker.MaskSecrets}. Test code, written from the runner's rules, not from our writer.
 */
final class RunnerCommands {
  record Command(String name, Map<String, String> properties, String data) {}

  private final java.util.Set<String> secrets = new java.util.LinkedHashSet<>(); // the runner's HashSet<ValueSecret>

  /** StreamReader.ReadLine: a line ends at \r, \n or \r\n; the bytes are UTF-8. */
  static List<String> lines(byte[] stdout) {
    String text = new String(stdout, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
        start = i + 1;
      }
    }
    if (start < text.length()) lines.add(text.substring(start));
    return lines;
  }

  /** ActionCommand.TryParseV2; null when the line is not a command. */
  static Command parse(String message) {
    if (message == null || message.isEmpty()) return null;
    int lead = 0;
    while (lead < message.length() && isWhiteSpace(message.charAt(lead))) lead++;
    message = message.substring(lead); // TrimStart
    if (!message.startsWith("::")) return null;
    int endIndex = message.indexOf("::", 2);
    if (endIndex < 0) return null;
    String cmdInfo = message.substring(2, endIndex);
    int spaceIndex = cmdInfo.indexOf(' ');
    String commandName = spaceIndex < 0 ? cmdInfo : cmdInfo.substring(0, spaceIndex);
    Map<String, String> properties = new LinkedHashMap<>();
    if (spaceIndex > 0) {
      for (String property : cmdInfo.substring(spaceIndex + 1).strip().split(",")) {
        if (property.isEmpty()) continue;
        String[] pair = property.split("=", 2);
        if (pair.length == 2 && !pair[0].isEmpty() && !pair[1].isEmpty()) {
          properties.put(pair[0], unescapeProperty(pair[1]));
        }
      }
    }
    return new Command(commandName, properties, unescapeData(message.substring(endIndex + 2)));
  }

  static String unescapeData(String value) {
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
  }

  static String unescapeProperty(String value) {
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
        .replace("%25", "%");
  }

  /** ActionCommandManager add-mask: blank is ignored; the whole value, then each line, trimmed, non-empty. */
  void addMask(String data) {
    if (data == null || isNullOrWhiteSpace(data)) return;
    secrets.add(data);
    for (String line : data.split("[\r\n]")) {
      String trimmed = trim(line);
      if (!trimmed.isEmpty()) secrets.add(trimmed);
    }
  }

  java.util.Set<String> secrets() {
    return secrets;
  }

  /** SecretMasker.MaskSecrets with ValueSecret.GetPositions. */
  String mask(String input) {
    if (input == null || input.isEmpty()) return input;
    List<int[]> positions = new ArrayList<>();
    for (String value : secrets) {
      int startIndex = 0;
      while (startIndex > -1 && startIndex < input.length() && input.length() - startIndex >= value.length()) {
        startIndex = input.indexOf(value, startIndex);
        if (startIndex > -1) {
          positions.add(new int[] {startIndex, value.length()});
          ++startIndex;
        }
      }
    }
    if (positions.isEmpty()) return input;
    positions.sort(Comparator.comparingInt(p -> p[0])); // OrderBy is stable, as List.sort
    List<int[]> replacements = new ArrayList<>();
    int[] current = null;
    for (int[] position : positions) {
      if (current == null) {
        current = position.clone();
        replacements.add(current);
      } else if (position[0] <= current[0] + current[1]) {
        current[1] = Math.max(current[0] + current[1], position[0] + position[1]) - current[0];
      } else {
        current = position.clone();
        replacements.add(current);
      }
    }
    StringBuilder builder = new StringBuilder();
    int startIndex = 0;
    for (int[] replacement : replacements) {
      builder.append(input, startIndex, replacement[0]).append("***");
      startIndex = replacement[0] + replacement[1];
    }
    if (startIndex < input.length()) builder.append(input.substring(startIndex));
    return builder.toString();
  }

  /** .NET Char.IsWhiteSpace, listed: Zs, Zl, Zp, U+0009-U+000D, U+0085, U+00A0. */
  private static boolean isWhiteSpace(char c) {
    if (c >= 0x09 && c <= 0x0D || c == 0x85 || c == 0xA0) return true;
    return switch (c) {
      case ' ', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008',
          '\u2009', '\u200A', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000' -> true;
      default -> false;
    };
  }

  private static boolean isNullOrWhiteSpace(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (!isWhiteSpace(value.charAt(i))) return false;
    }
    return true;
  }

  private static String trim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isWhiteSpace(value.charAt(start))) start++;
    while (end > start && isWhiteSpace(value.charAt(end - 1))) end--;
    return value.substring(start, end);
  }
}
