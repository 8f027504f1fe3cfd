package dev.awsoidc.runner;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes workflow commands as raw lines on stdout, flushed one by one, so the runner acts on each before the
 * next line (a mask must be registered before the value could appear anywhere).
 *
 * <p>Everything except the mask itself is redacted with the {@link SecretMasker}: a message never carries a
 * secret, even where no runner is there to mask it.
 */
public final class WorkflowCommands {
  private final PrintStream out;
  private final SecretMasker masker;
  private final boolean debugEnabled;

  public WorkflowCommands(PrintStream out, SecretMasker masker, boolean debugEnabled) {
    this.out = out;
    this.masker = masker;
    this.debugEnabled = debugEnabled;
  }

  /** {@code RUNNER_DEBUG=1} is how the runner says step debug logging is on. */
  public static boolean debugRequested(Map<String, String> environment) {
    return "1".equals(environment.get("RUNNER_DEBUG"));
  }

  public boolean debugEnabled() {
    return debugEnabled;
  }

  public SecretMasker masker() {
    return masker;
  }

  /** Registers the value with the runner's masker and ours. Blank values are ignored, as the runner does. */
  public void addMask(String secret) {
    if (SecretMasker.isBlank(secret)) return;
    masker.add(secret);
    print(WorkflowCommand.of("add-mask", secret).toLine());
  }

  public void error(String title, String message) {
    annotation("error", title, message);
  }

  public void warning(String title, String message) {
    annotation("warning", title, message);
  }

  public void notice(String title, String message) {
    annotation("notice", title, message);
  }

  public void debug(String message) {
    if (debugEnabled) print(WorkflowCommand.of("debug", masker.redact(message)).toLine());
  }

  public void startGroup(String name) {
    print(WorkflowCommand.of("group", masker.redact(name)).toLine());
  }

  public void endGroup() {
    print(WorkflowCommand.of("endgroup", "").toLine());
  }

  private void annotation(String kind, String title, String message) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (title != null) properties.put("title", masker.redact(title));
    print(WorkflowCommand.of(kind, properties, masker.redact(message)).toLine());
  }

  private void print(String line) {
    synchronized (out) {
      out.print(line);
      out.print('\n');
      out.flush();
    }
  }
}
