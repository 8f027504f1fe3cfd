package dev.awsoidc.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line: {@code aws-oidc-credentials assume|claims|trust-policy [options]}, {@code --help},
 * {@code --version}. Main calls it only when there are arguments, so the action's own path (no arguments)
 * never loads a class of this package beyond Main and CredentialAction.
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILURE} failure, {@value #USAGE} usage error (unknown option,
 * missing or bad value). A usage error prints its message on stderr and nothing on stdout.
 */
public final class Cli {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  static final String PROGRAM = "aws-oidc-credentials";

  private Cli() {}

  /** Runs with the assume pipeline not wired yet (see {@link AssumeRunner}). */
  public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out,
      PrintStream err) {
    return run(args, env, stdin, out, err, request -> {
      err.println("assume: not wired yet");
      return FAILURE;
    });
  }

  public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out,
      PrintStream err, AssumeRunner assume) {
    Command.Streams streams = new Command.Streams(Map.copyOf(env), stdin, out, err);
    List<Command> commands = List.of(new AssumeCommand(streams, assume), new ClaimsCommand(streams),
        new TrustPolicyCommand(streams));
    if (args.length == 0) return usageError(err, "no command given: " + commandList(commands), Optional.empty());
    String first = args[0];
    switch (first) {
      case "-h", "--help", "help" -> {
        out.print(topHelp(commands));
        return OK;
      }
      case "--version" -> {
        out.println(PROGRAM + " " + version());
        return OK;
      }
      default -> {}
    }
    Optional<Command> command = commands.stream().filter(c -> c.name().equals(first)).findFirst();
    if (command.isEmpty()) {
      return usageError(err, (first.startsWith("-") ? "unknown option " : "unknown command ") + first + ": "
          + commandList(commands), Optional.empty());
    }
    Command chosen = command.get();
    try {
      ParsedOptions options = ParsedOptions.parse(chosen.name(), Arrays.asList(args).subList(1, args.length),
          chosen.options());
      if (options.help()) {
        out.print(help(chosen));
        return OK;
      }
      return chosen.run(options);
    } catch (UsageException e) {
      return usageError(err, e.getMessage(), Optional.of(chosen));
    } catch (RuntimeException e) {
      // our own messages never carry a secret; this is the last net, for a bug
      err.println("error: " + chosen.name() + " failed unexpectedly: " + e);
      return FAILURE;
    }
  }

  /**
   * The jar manifest's {@code Implementation-Version} (the pom's version, written by maven-jar-plugin's
   * addDefaultImplementationEntries); "unknown" when not run from the jar (tests, an IDE).
   */
  static String version() {
    String version = Cli.class.getPackage().getImplementationVersion();
    return version == null ? "unknown (not run from the jar)" : version;
  }

  private static int usageError(PrintStream err, String message, Optional<Command> command) {
    err.println("error: " + message);
    err.println("Run '" + PROGRAM + command.map(c -> " " + c.name()).orElse("") + " --help' for "
        + (command.isPresent() ? "its options." : "the commands."));
    return USAGE;
  }

  private static String commandList(List<Command> commands) {
    return "the commands are " + String.join(", ", commands.stream().map(Command::name).toList());
  }

  static String topHelp(List<Command> commands) {
    StringBuilder help = new StringBuilder();
    help.append("Usage: ").append(PROGRAM).append(" COMMAND [options]\n\n")
        .append("OIDC ID tokens (GitHub Actions, GitLab CI, Amazon Cognito, any file or variable) to short-lived\n")
        .append("AWS credentials. Without arguments, inside GitHub Actions, it runs as the action.\n\nCommands:\n");
    for (Command command : commands) {
      help.append(String.format("  %-14s%s%n", command.name(), command.summary()));
    }
    help.append("\nOptions:\n")
        .append(String.format("  %-14s%s%n", "-h, --help", "this help; COMMAND --help for a command's options"))
        .append(String.format("  %-14s%s%n", "--version", "print the version"))
        .append("\nExit codes: 0 success, 1 failure, 2 usage error (unknown option, missing or bad value).\n");
    return help.toString();
  }

  static String help(Command command) {
    StringBuilder help = new StringBuilder();
    help.append("Usage: ").append(PROGRAM).append(' ').append(command.name()).append(" [options]\n\n")
        .append(command.description().strip()).append("\n\nOptions:\n");
    List<OptionSpec> all = new java.util.ArrayList<>(command.options());
    all.add(OptionSpec.flag("help", "this help"));
    int width = 2 + all.stream().mapToInt(o -> o.synopsis().length()).filter(n -> n <= 34).max().orElse(20);
    for (OptionSpec option : all) {
      String synopsis = (option.name().equals("help") ? "-h, " : "") + option.synopsis()
          + (option.repeatable() ? " ..." : "");
      help.append("  ").append(synopsis);
      List<String> lines = wrap(option.help(), 110 - width - 2);
      if (synopsis.length() + 2 > width) {
        help.append('\n').append(" ".repeat(width + 2));
      } else {
        help.append(" ".repeat(width - synopsis.length()));
      }
      help.append(String.join("\n" + " ".repeat(width + 2), lines)).append('\n');
    }
    help.append("\nExit codes: 0 success, 1 failure, 2 usage error.\n");
    return help.toString();
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
