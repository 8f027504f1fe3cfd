package dev.awsoidc.cli;

import dev.awsoidc.config.AccessKeyInputs;
import dev.awsoidc.config.ActionInput;
import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.config.CredentialPath;
import dev.awsoidc.config.InputProblem;
import dev.awsoidc.config.InvalidInputsException;
import dev.awsoidc.credentials.AccountNotAllowedException;
import dev.awsoidc.credentials.CredentialPaths;
import dev.awsoidc.credentials.CredentialSource;
import dev.awsoidc.credentials.Progress;
import dev.awsoidc.credentials.SpecialCharacters;
import dev.awsoidc.credentials.DeadlineExceededException;
import dev.awsoidc.diagnosis.Diagnoser;
import dev.awsoidc.diagnosis.Diagnosis;
import dev.awsoidc.diagnosis.FailureContext;
import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.runner.ActionInputs;
import dev.awsoidc.runner.StepSummary;
import dev.awsoidc.sts.Arns;
import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.SignedSts;
import dev.awsoidc.tls.TlsSetup;
import dev.awsoidc.token.JwtClaims;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: settings, then the chosen credential path, then the checks every path shares (special characters,
 * allowed accounts), then the output. Failures of any stage end in one place, {@link #report}, which explains
 * them and writes nothing but the error and the summary.
 */
public final class CredentialAction {
  /** Where the credentials go. Prepared (files checked) before any network call; delivered once, at the end. */
  public interface Output {
    void deliver(AwsSession session, ActionSettings settings) throws Exception;
  }

  /** Makes the output for the parsed settings; may refuse (a missing file) before anything is fetched. */
  public interface OutputPreparer {
    Output prepare(ActionSettings settings) throws Exception;
  }

  private final Logger log = LoggerFactory.getLogger(CredentialAction.class);
  private final Map<String, String> environment;
  private final Console console;
  private final Optional<StepSummary> summary;
  private final TlsSetup tls;
  private final InputStream stdin;
  private final SettingsSource settingsSource;
  private final OutputPreparer outputs;
  private volatile ActionSettings settings;
  private volatile JwtClaims claims;
  private volatile String stage = "starting";
  /** On the command line: no step summary, and bad options exit with 2 (a usage error), as documented. */
  private final boolean commandLine;

  /** How to read the settings: the action's inputs, or the command line's options mapped onto them. */
  public interface SettingsSource {
    ActionSettings parse() throws InvalidInputsException;
  }

  CredentialAction(Map<String, String> environment, Console console, TlsSetup tls,
      InputStream stdin, SettingsSource settingsSource, OutputPreparer outputs, boolean commandLine) {
    this.environment = Map.copyOf(environment);
    this.console = console;
    this.tls = tls;
    this.stdin = stdin;
    this.settingsSource = settingsSource;
    this.outputs = outputs;
    this.commandLine = commandLine;
    this.summary = commandLine ? Optional.empty() : StepSummary.fromEnvironment(environment);
  }

  /** Runs; the exit code: 0 with the credentials delivered (or existing ones kept), 1 with nothing delivered. */
  public int run() {
    Instant start = Instant.now();
    maskSecretInputs();
    try {
      settings = settingsSource.parse();
      CredentialPaths.prepareTls(settings, environment, tls);
      settings.warnings().forEach(console::warning);
      settings.role().map(RoleRequest::roleArn).filter(Arns::isRoleArn)
          .filter(arn -> settings.export().maskAccountId()).ifPresent(arn -> console.mask(Arns.accountId(arn)));
      settings.proxy().flatMap(HttpProxy::password).ifPresent(console::mask);
      Output output = outputs.prepare(settings);
      Optional<Instant> deadline = settings.actionTimeout().map(start::plus);
      try (Watchdog watchdog = Watchdog.start(settings.actionTimeout(), this::timedOut)) {
        if (settings.useExistingCredentials() && existingCredentialsWork()) {
          if (!watchdog.claimFinish()) return 1;
          console.notice("Pre-existing credentials are valid. No need to generate new ones.");
          return 0;
        }
        AwsSession session = obtain(deadline);
        if (settings.export().maskAccountId()) console.mask(session.accountId());
        checkAllowedAccount(session);
        if (!watchdog.claimFinish()) return 1;
        stage = "delivering the credentials";
        output.deliver(session, settings);
        reportSuccess(session, Duration.between(start, Instant.now()));
      }
      return 0;
    } catch (InvalidInputsException e) {
      for (InputProblem problem : e.problems()) {
        console.error("Invalid " + (problem.variable() ? "variable " : "input ") + problem.name(), problem.message());
      }
      appendSummary(RunSummary.failure(Optional.empty(),
          Diagnosis.of("invalid inputs", String.join("\n\n", e.problems().stream().map(InputProblem::message).toList())),
          Optional.empty()));
      return commandLine ? 2 : 1;
    } catch (Exception | LinkageError e) {
      report(e);
      return 1;
    }
  }

  /** The keys are secrets from the first instant: mask them before anything could print them. */
  private void maskSecretInputs() {
    ActionInputs inputs = new ActionInputs(environment);
    for (ActionInput input : List.of(ActionInput.AWS_ACCESS_KEY_ID, ActionInput.AWS_SECRET_ACCESS_KEY,
        ActionInput.AWS_SESSION_TOKEN)) {
      inputs.get(input.inputName()).ifPresent(console::mask);
    }
  }

  private AwsSession obtain(Optional<Instant> deadline) throws Exception {
    Progress progress = new Progress() {
      @Override public void stage(String description) { stage = description; }
      @Override public void claims(JwtClaims tokenClaims) { claims = tokenClaims; }
      @Override public void debug(String line) { console.debug(line); }
    };
    CredentialPaths.Run run = new CredentialPaths.Run(environment, tls, stdin, deadline, console::mask,
        progress);
    try (CredentialSource source = CredentialPaths.open(settings, run)) {
      // debug only: the token's mask must be the first line a run prints
      console.debug("credential path: " + RunSummary.pathName(settings)
          + settings.role().map(r -> ", role " + r.roleArn()).orElse(""));
      AwsSession session = source.obtain();
      maskCredentials(session);
      if (!settings.specialCharactersWorkaround() || settings.path() instanceof CredentialPath.AccessKeys) {
        return session;
      }
      // bounded, unlike the reference's endless loop: a few fresh sessions, then a clear failure
      for (int again = 1; SpecialCharacters.in(session.credentials()); again++) {
        if (again > SpecialCharacters.MAX_REASSUMES) throw SpecialCharacters.failure(again - 1);
        console.debug("the new credentials hold a special character; assuming the role again (" + again + " of "
            + SpecialCharacters.MAX_REASSUMES + ")");
        session = source.obtain();
        maskCredentials(session);
      }
      return session;
    }
  }

  private void maskCredentials(AwsSession session) {
    console.mask(session.credentials().accessKeyId());
    console.mask(session.credentials().secretAccessKey());
    session.credentials().sessionToken().ifPresent(console::mask);
  }

  /** {@code use-existing-credentials}: GetCallerIdentity with the environment's credentials, if there are any. */
  private boolean existingCredentialsWork() {
    Optional<AccessKeyInputs> keys = CredentialPaths.environmentKeys(environment, console::mask);
    if (keys.isEmpty()) {
      log.info("No valid credentials exist. Running as normal.");
      return false;
    }
    stage = "checking the existing credentials with STS GetCallerIdentity";
    try (SignedSts sts = new SignedSts(CredentialPaths.stsSettings(settings, tls),
        CredentialPaths.accessKeys(keys.get()))) {
      SignedSts.CallerIdentity identity = sts.callerIdentity();
      if (!settings.accountAllowed(identity.account())) {
        log.info("The existing credentials are for account {}, which is not allowed. Running as normal.",
            identity.account());
        return false;
      }
      return true;
    } catch (Exception e) {
      log.info("No valid credentials exist ({}). Running as normal.", e.getMessage());
      return false;
    }
  }

  private void checkAllowedAccount(AwsSession session) throws AccountNotAllowedException {
    if (!settings.accountAllowed(session.accountId())) {
      throw new AccountNotAllowedException(session.accountId(), settings.allowedAccountIds());
    }
  }

  private void reportSuccess(AwsSession session, Duration took) {
    log.info("Authenticated as {} (account {}); the credentials expire at {}", session.arn(), session.accountId(),
        session.credentials().expiration().map(Instant::toString).orElse("never (long-term keys)"));
    appendSummary(RunSummary.success(settings, session, Optional.ofNullable(claims), took,
        settings.export().maskAccountId()));
  }

  private void timedOut() {
    Duration timeout = settings.actionTimeout().orElse(Duration.ZERO);
    report(new DeadlineExceededException(timeout, stage));
    System.out.flush();
    System.err.flush();
  }

  private void report(Throwable failure) {
    FailureContext context = new FailureContext(Optional.ofNullable(settings), Optional.ofNullable(claims),
        environment);
    Diagnosis diagnosis = Diagnoser.diagnose(failure, context);
    console.error(diagnosis.title(), diagnosis.message());
    if (!diagnosis.details().isEmpty()) console.details("Details: " + diagnosis.title(), diagnosis.details());
    if (console.debugEnabled()) {
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      trace.toString().lines().forEach(console::debug);
    }
    appendSummary(RunSummary.failure(Optional.ofNullable(settings), diagnosis, Optional.ofNullable(claims)));
  }

  private void appendSummary(String markdown) {
    if (summary.isEmpty()) return;
    try {
      summary.get().append(console.masker().redact(markdown));
    } catch (IOException e) {
      console.debug("could not write the step summary: " + e.getMessage());
    }
  }
}
