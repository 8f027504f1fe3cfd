package dev.awsoidc.cli;

import dev.awsoidc.runner.SecretMasker;
import dev.awsoidc.runner.WorkflowCommands;
import java.io.PrintStream;
import java.util.List;

/**
 * Where a run reports, apart from the credentials themselves. In GitHub Actions: workflow commands on stdout
 * ({@code ::add-mask::}, {@code ::error::}). On the command line: plain lines on stderr, so stdout holds only the
 * output format, and masks stay in our own redaction ({@code ::add-mask::VALUE} in a GitLab log would show it).
 */
sealed interface Console {
  void mask(String secret);

  void error(String title, String message);

  void warning(String message);

  void notice(String message);

  void debug(String line);

  /** Lines that belong under a heading: a collapsible group on GitHub. */
  void details(String heading, List<String> lines);

  SecretMasker masker();

  boolean debugEnabled();

  record GitHub(WorkflowCommands commands, java.util.Set<String> masked) implements Console {
    GitHub(WorkflowCommands commands) {
      this(commands, java.util.concurrent.ConcurrentHashMap.newKeySet());
    }

    /** Once per value: the same key may be masked as an input, a source and an output. */
    @Override
    public void mask(String secret) {
      if (secret != null && masked.add(secret)) commands.addMask(secret);
    }
    @Override public void error(String title, String message) { commands.error(title, message); }
    @Override public void warning(String message) { commands.warning(null, message); }
    @Override public void notice(String message) { commands.notice(null, message); }
    @Override public void debug(String line) { commands.debug(line); }
    @Override public SecretMasker masker() { return commands.masker(); }
    @Override public boolean debugEnabled() { return commands.debugEnabled(); }

    @Override
    public void details(String heading, List<String> lines) {
      commands.startGroup(heading);
      // through the redacting System.out, next to the commands
      lines.forEach(line -> System.out.println(line));
      System.out.flush();
      commands.endGroup();
    }
  }

  /** @param err already redacting (see {@link Main}) */
  record Plain(PrintStream err, SecretMasker masker, boolean debugEnabled) implements Console {
    @Override public void mask(String secret) { if (secret != null && !secret.isBlank()) masker.add(secret); }
    @Override public void error(String title, String message) { print("error: " + title + "\n" + message); }
    @Override public void warning(String message) { print("warning: " + message); }
    @Override public void notice(String message) { print(message); }
    @Override public void debug(String line) { if (debugEnabled) print("debug: " + line); }

    @Override
    public void details(String heading, List<String> lines) {
      print(heading + ":\n  " + String.join("\n  ", lines));
    }

    private void print(String text) {
      err.println(masker.redact(text));
      err.flush();
    }
  }
}
