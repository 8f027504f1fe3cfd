package dev.awsoidc.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command's options as given: {@code --name value}, {@code --name=value} and {@code --flag}. No positional
 * arguments, no abbreviations, no short forms but {@code -h}: what a CI script says should be what it means.
 */
final class ParsedOptions {
  private final Map<String, List<String>> values;

  private ParsedOptions(Map<String, List<String>> values) {
    this.values = values;
  }

  /** Parses {@code args} against {@code specs}; {@code --help} and {@code -h} are always accepted as flags. */
  static ParsedOptions parse(String command, List<String> args, List<OptionSpec> specs) throws UsageException {
    Map<String, OptionSpec> byName = new LinkedHashMap<>();
    for (OptionSpec spec : specs) byName.put(spec.name(), spec);
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        values.computeIfAbsent("help", k -> new ArrayList<>()).add("");
        continue;
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "': " + command
            + " takes only --options (values go after their option, e.g. --role-to-assume ARN)");
      }
      int equals = arg.indexOf('=');
      String name = arg.substring(2, equals < 0 ? arg.length() : equals);
      OptionSpec spec = byName.get(name);
      if (spec == null) {
        throw new UsageException("unknown option --" + name + " for " + command + closest(name, byName.keySet()));
      }
      String value;
      if (!spec.takesValue()) {
        if (equals >= 0) throw new UsageException("--" + name + " takes no value: write --" + name + " alone");
        value = "";
      } else if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException("--" + name + " needs a value: " + spec.synopsis()
            + " (write --" + name + "=VALUE for a value that starts with --)");
      }
      List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
      if (!list.isEmpty() && !spec.repeatable()) {
        throw new UsageException("--" + name + " was given twice: give it once");
      }
      list.add(value);
    }
    return new ParsedOptions(values);
  }

  private static String closest(String name, Iterable<String> known) {
    for (String candidate : known) {
      if (candidate.startsWith(name) || name.startsWith(candidate)) return " (did you mean --" + candidate + "?)";
    }
    return "";
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  boolean help() {
    return has("help");
  }

  Optional<String> get(String name) {
    List<String> list = values.get(name);
    return list == null ? Optional.empty() : Optional.of(list.getLast());
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The options given, in the order of their first use. */
  List<String> names() {
    return List.copyOf(values.keySet());
  }
}
