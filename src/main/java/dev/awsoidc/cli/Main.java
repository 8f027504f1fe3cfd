package dev.awsoidc.cli;

import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.config.InvalidInputsException;
import dev.awsoidc.config.SettingsParser;
import dev.awsoidc.credentials.CredentialPaths;
import dev.awsoidc.export.GitHubActionsExport;
import dev.awsoidc.export.PostStepState;
import dev.awsoidc.runner.RedactingOutputStream;
import dev.awsoidc.runner.SecretMasker;
import dev.awsoidc.runner.WorkflowCommands;
import dev.awsoidc.tls.TlsSetup;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The container's entrypoint. Workflow commands go straight to stdout; everything else (our logs, the SDK's)
 * goes through streams that redact every masked value, so no secret is printed even outside GitHub.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // SLF4J would otherwise search every jar on the class path for its provider (~10 ms at start-up); named, it
    // would say so on stderr unless told to report only warnings
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
      System.setProperty("slf4j.internal.verbosity", "WARN");
    }
    if (args.length > 0) System.exit(runCommandLine(args));
    Map<String, String> environment = System.getenv();
    SecretMasker masker = new SecretMasker();
    PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(new PrintStream(new RedactingOutputStream(stdout, masker), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new RedactingOutputStream(
        new FileOutputStream(FileDescriptor.err), masker), true, StandardCharsets.UTF_8));
    boolean debug = WorkflowCommands.debugRequested(environment);
    // before the first logger is made: our logs on stdout next to the commands, the SDK's only when they warn
    if (debug) System.setProperty("org.slf4j.simpleLogger.log.dev.awsoidc", "debug");
    WorkflowCommands commands = new WorkflowCommands(stdout, masker, debug);
    int exitCode = PostStepState.isPost(environment) ? PostStep.run(environment, commands)
        : runAction(environment, commands);
    System.out.flush();
    System.err.flush();
    System.exit(exitCode);
  }

  /**
   * The command line (assume, claims, trust-policy). stdout is the command's output and nothing else (the
   * credentials of {@code assume --format env}, unredacted by design); our logs and the SDK's go to stderr,
   * redacted.
   */
  static int runCommandLine(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    Map<String, String> environment = System.getenv();
    SecretMasker masker = new SecretMasker();
    PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream stderr = new PrintStream(new RedactingOutputStream(new FileOutputStream(FileDescriptor.err), masker),
        true, StandardCharsets.UTF_8);
    System.setOut(stderr); // anything printed by accident lands on stderr, redacted, never in eval "$(…)"
    System.setErr(stderr);
    if (WorkflowCommands.debugRequested(environment)) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.awsoidc", "debug");
    }
    // no trust store loaded up front: trust-policy needs none, and each command loads it when it needs it, once
    int exitCode = Cli.run(args, environment, System.in, stdout, stderr,
        new CommandLineAssume(environment, System.in, stdout, stderr, masker));
    stdout.flush();
    stderr.flush();
    return exitCode;
  }

  /** The action's main step: inputs from {@code INPUT_*}, credentials to GITHUB_ENV / GITHUB_OUTPUT. */
  static int runAction(Map<String, String> environment, WorkflowCommands commands) {
    // the settings first: if this run reaches an endpoint over https, loading the trust store (the longest step
    // before the first request) starts now, in the background
    TlsSetup tls = new TlsSetup();
    CredentialAction.SettingsSource settings;
    try {
      ActionSettings parsed = SettingsParser.parse(environment);
      CredentialPaths.prepareTls(parsed, environment, tls);
      settings = () -> parsed;
    } catch (InvalidInputsException e) {
      settings = () -> {
        throw e; // reported by CredentialAction.run, as every failure is
      };
    }
    try {
      PostStepState.markMainStep(environment);
    } catch (IOException e) {
      commands.debug("could not write GITHUB_STATE (" + e.getMessage() + "); the post step will do nothing");
    }
    Console.GitHub console = new Console.GitHub(commands);
    return new CredentialAction(environment, console, tls, System.in, settings,
        gitHubOutput(environment, console), false).run();
  }

  /** The GitHub way, for the action and for {@code assume --format github}: masks, then GITHUB_ENV / OUTPUT. */
  static CredentialAction.OutputPreparer gitHubOutput(Map<String, String> environment, Console.GitHub console) {
    return settings -> {
      GitHubActionsExport export = GitHubActionsExport.prepare(settings.export(), environment);
      export.warning().ifPresent(warning -> console.commands().warning("aws-profile", warning));
      return (session, s) -> export.export(session, s.region(), console::mask, console.commands(), environment);
    };
  }
}
