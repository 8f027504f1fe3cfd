package dev.awsoidc.cli;

import java.util.Optional;

/**
 * One {@code --name} a command accepts.
 *
 * @param valueName how the help shows the value ({@code ARN}, {@code PATH}); empty for a flag, which takes none
 * @param repeatable whether it may be given more than once (each value is kept, in order)
 */
record OptionSpec(String name, Optional<String> valueName, boolean repeatable, String help) {

  static OptionSpec value(String name, String valueName, String help) {
    return new OptionSpec(name, Optional.of(valueName), false, help);
  }

  static OptionSpec repeatable(String name, String valueName, String help) {
    return new OptionSpec(name, Optional.of(valueName), true, help);
  }

  static OptionSpec flag(String name, String help) {
    return new OptionSpec(name, Optional.empty(), false, help);
  }

  boolean takesValue() {
    return valueName.isPresent();
  }

  String synopsis() {
    return "--" + name + valueName.map(v -> " " + v).orElse("");
  }
}
