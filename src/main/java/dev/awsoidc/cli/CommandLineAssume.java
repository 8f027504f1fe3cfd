package dev.awsoidc.cli;

import dev.awsoidc.config.SettingsParser;
import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.export.CredentialProcessFormat;
import dev.awsoidc.export.EnvFormat;
import dev.awsoidc.export.JsonFormat;
import dev.awsoidc.export.OutputFormat;
import dev.awsoidc.runner.ActionInputs;
import dev.awsoidc.runner.SecretMasker;
import dev.awsoidc.runner.WorkflowCommands;
import dev.awsoidc.tls.TlsSetup;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code assume}: the options become the action's inputs, and the same {@link CredentialAction} runs them, so the
 * command line is a thin layer and not a second implementation. Only the token source (named on the command
 * line) and the output differ. With {@code --format github} it is the action itself; otherwise reports go to
 * stderr as plain lines and stdout holds only the chosen format, written once, at the end, after every check.
 */
final class CommandLineAssume implements AssumeRunner {
  private final Map<String, String> environment;
  private final InputStream stdin;
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final SecretMasker masker;

  CommandLineAssume(Map<String, String> environment, InputStream stdin, PrintStream stdout, PrintStream stderr,
      SecretMasker masker) {
    this.environment = environment;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.masker = masker;
  }

  @Override
  public int run(AssumeRequest request) {
    TlsSetup tls = new TlsSetup(); // started once the options say which endpoints are https
    Map<String, String> env = new HashMap<>(environment);
    // only the command line's options are inputs here (a run: step has no INPUT_* of its own)
    env.keySet().removeIf(name -> name.startsWith(ActionInputs.variableName("")));
    request.inputs().forEach((name, value) -> env.put(ActionInputs.variableName(name), value));
    Optional<TokenChoice> token = Optional.of(request.token());
    boolean debug = WorkflowCommands.debugRequested(env);
    if (request.format() == OutputFormat.GITHUB) {
      Console.GitHub console = new Console.GitHub(new WorkflowCommands(stdout, masker, debug));
      return new CredentialAction(env, console, tls, stdin, () -> SettingsParser.parse(env, token),
          Main.gitHubOutput(env, console), true).run();
    }
    Console console = new Console.Plain(stderr, masker, debug);
    return new CredentialAction(env, console, tls, stdin, () -> SettingsParser.parse(env, token),
        settings -> (session, s) -> {
          String text = switch (request.format()) {
            case ENV -> EnvFormat.format(session, s.region());
            case CREDENTIAL_PROCESS -> CredentialProcessFormat.format(session);
            case JSON -> JsonFormat.format(session, s.region());
            case GITHUB -> throw new IllegalStateException("handled above");
          };
          stdout.print(text);
          stdout.flush();
        }, true).run();
  }
}
