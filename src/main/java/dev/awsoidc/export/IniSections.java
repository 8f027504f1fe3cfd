package dev.awsoidc.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The sections of an AWS shared config or credentials file, enough to add or replace one profile and keep the
 * others. Each section keeps its body lines as written (indentation too, for nested values such as
 * {@code s3 =\n  max_concurrent_requests = 10}); comments, blank lines and anything before the first section
 * header are dropped, as the reference action does. A section that appears twice is merged into the first.
 */
final class IniSections {
  private final SequencedMap<String, List<String>> sections = new LinkedHashMap<>();

  static IniSections parse(String text) {
    IniSections ini = new IniSections();
    List<String> body = null;
    for (String line : text.split("\r?\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
      if (trimmed.startsWith("[") && trimmed.endsWith("]") && trimmed.length() > 2) {
        body = ini.sections.computeIfAbsent(trimmed.substring(1, trimmed.length() - 1), name -> new ArrayList<>());
        continue;
      }
      if (body != null) body.add(line.stripTrailing());
    }
    return ini;
  }

  boolean has(String name) {
    return sections.containsKey(name);
  }

  /** The section's lines as written, for tests and checks; empty if there is no such section. */
  List<String> lines(String name) {
    return List.copyOf(sections.getOrDefault(name, List.of()));
  }

  void remove(String name) {
    sections.remove(name);
  }

  /** Replaces the section, or adds it at the end: keys of an older section of that name do not survive. */
  void put(String name, SequencedMap<String, String> keys) {
    List<String> body = new ArrayList<>();
    for (Map.Entry<String, String> key : keys.entrySet()) {
      String value = key.getValue();
      if (value.chars().anyMatch(c -> c == '\n' || c == '\r')) {
        // never shown: the value may be a secret
        throw new IllegalArgumentException("the value of " + key.getKey() + " contains a line break");
      }
      body.add(key.getKey() + " = " + value);
    }
    sections.put(name, body);
  }

  String render() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, List<String>> section : sections.entrySet()) {
      if (!text.isEmpty()) text.append('\n');
      text.append('[').append(section.getKey()).append("]\n");
      for (String line : section.getValue()) text.append(line).append('\n');
    }
    return text.toString();
  }
}
