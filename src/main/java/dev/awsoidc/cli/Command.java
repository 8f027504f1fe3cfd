package dev.awsoidc.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** One sub-command: its options, its help, and what it does with them. */
sealed interface Command permits AssumeCommand, ClaimsCommand, TrustPolicyCommand {

  /** What a command works with: nothing else of the process (no System.getenv, no System.out). */
  record Streams(Map<String, String> environment, InputStream stdin, PrintStream out, PrintStream err) {}

  String name();

  /** One line, for the top-level help. */
  String summary();

  /** The help text between the usage line and the options. */
  String description();

  List<OptionSpec> options();

  /** Runs with parsed options; returns the exit code. A {@link UsageException} becomes exit code 2. */
  int run(ParsedOptions options) throws UsageException;
}
