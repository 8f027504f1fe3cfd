package dev.awsoidc.export;

import dev.awsoidc.config.ExportOptions;
import dev.awsoidc.runner.KeyValueFile;
import dev.awsoidc.runner.WorkflowCommands;
import dev.awsoidc.sts.AwsCredentials;
import dev.awsoidc.sts.AwsSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.function.Consumer;

/**
 * Hands credentials to later steps the GitHub Actions way: masks first, then {@code $GITHUB_ENV} and
 * {@code $GITHUB_OUTPUT}. Values written to {@code GITHUB_ENV} are not masked by the runner, and later steps
 * print their env, so every secret is masked on stdout before either file is touched.
 *
 * <p>Both files are checked when the export is prepared, before any network call, and both texts are built
 * before either is written, so a failure leaves no credential behind.
 */
public final class GitHubActionsExport {
  private final ExportOptions options;
  private final Optional<KeyValueFile> envFile;
  private final Optional<KeyValueFile> outputFile;
  private final Optional<AwsProfileExport> profile;

  private GitHubActionsExport(ExportOptions options, Optional<KeyValueFile> envFile,
      Optional<KeyValueFile> outputFile, Optional<AwsProfileExport> profile) {
    this.options = options;
    this.envFile = envFile;
    this.outputFile = outputFile;
    this.profile = profile;
  }

  /** Checks that the files this export needs are there. No secrets involved yet. */
  public static GitHubActionsExport prepare(ExportOptions options, Map<String, String> environment)
      throws ExportException {
    Optional<KeyValueFile> env = file(environment, "GITHUB_ENV",
        options.envCredentials() || options.profile().isPresent(),
        options.envCredentials() ? "output-env-credentials is true" : "aws-profile needs it to name the profile files");
    Optional<KeyValueFile> output = file(environment, "GITHUB_OUTPUT", options.outputCredentials(),
        "output-credentials is true");
    Optional<AwsProfileExport> profile = Optional.empty();
    if (options.profile().isPresent()) {
      profile = Optional.of(AwsProfileExport.prepare(options.profile().get().name(),
          options.profile().get().overwrite(), environment));
    }
    return new GitHubActionsExport(options, env, output, profile);
  }

  /** Something to say about the profile files (they replace AWS_CONFIG_FILE set earlier), if anything. */
  public Optional<String> warning() {
    return profile.flatMap(AwsProfileExport::warning);
  }

  private static Optional<KeyValueFile> file(Map<String, String> environment, String variable, boolean required,
      String why) throws ExportException {
    String value = environment.getOrDefault(variable, "").strip();
    if (value.isEmpty()) {
      if (!required) return Optional.empty();
      throw new ExportException(variable + " is not set, but " + why,
          "Run this as a GitHub Actions step, which sets " + variable + " for each step", null);
    }
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isWritable(path)) {
      throw new ExportException(variable + " names " + path + ", which is not a writable file",
          "The runner creates this file for each step; outside the runner, create it first", null);
    }
    return Optional.of(new KeyValueFile(path));
  }

  /** Masks, then writes. On return every secret is masked and both files hold their lines. */
  /** @param mask registers a secret with the runner (once per value) before anything is written */
  public void export(AwsSession role, String region, Consumer<String> mask, WorkflowCommands commands,
      Map<String, String> environment) throws ExportException {
    AwsCredentials credentials = role.credentials();
    mask.accept(credentials.accessKeyId());
    mask.accept(credentials.secretAccessKey());
    credentials.sessionToken().ifPresent(mask);
    if (options.maskAccountId()) mask.accept(role.accountId());

    SequencedMap<String, String> env = new LinkedHashMap<>();
    if (!options.envCredentials() && options.unsetCurrentCredentials()) {
      // unset-current-credentials: later steps must not use an earlier step's credentials either
      env.put("AWS_ACCESS_KEY_ID", "");
      env.put("AWS_SECRET_ACCESS_KEY", "");
      env.put("AWS_SESSION_TOKEN", "");
    }
    if (options.envCredentials()) {
      env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
      env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
      // blank rather than absent: a token left from an earlier step would not match these keys
      env.put("AWS_SESSION_TOKEN", credentials.sessionToken().orElse(""));
    }
    env.put("AWS_REGION", region);
    env.put("AWS_DEFAULT_REGION", region);
    Optional<AwsProfileExport.PreparedWrite> profileWrite = Optional.empty();
    if (profile.isPresent()) {
      profileWrite = Optional.of(profile.get().plan(credentials, region));
      env.putAll(profile.get().variablesForLaterSteps());
      if (options.envCredentials()) env.put("AWS_PROFILE", profile.get().profileName());
    }

    SequencedMap<String, String> outputs = new LinkedHashMap<>();
    outputs.put("aws-account-id", role.accountId());
    outputs.put("authenticated-arn", role.arn());
    if (options.outputCredentials()) {
      outputs.put("aws-access-key-id", credentials.accessKeyId());
      outputs.put("aws-secret-access-key", credentials.secretAccessKey());
      credentials.sessionToken().ifPresent(token -> outputs.put("aws-session-token", token));
      credentials.expiration().ifPresent(expiry -> outputs.put("aws-expiration", expiry.toString()));
    }

    String envText = envFile.map(file -> file.format(env)).orElse("");
    String outputText = outputFile.map(file -> file.format(outputs)).orElse("");
    try {
      // the profile first: its files are complete or absent, and the variables below name them
      if (profileWrite.isPresent()) profileWrite.get().commit();
      // both files or neither: a failed second write takes the first back
      SequencedMap<KeyValueFile, String> texts = new LinkedHashMap<>();
      envFile.ifPresent(file -> texts.put(file, envText));
      outputFile.ifPresent(file -> texts.put(file, outputText));
      KeyValueFile.appendAll(texts);
    } catch (IOException e) {
      throw new ExportException("could not write the step's file commands (" + e.getMessage() + ")",
          "Check the runner's disk and the permissions of GITHUB_ENV and GITHUB_OUTPUT", e);
    }
    try {
      // for the post step; only what this run exported with values (blanks need no blanking)
      PostStepState.recordExported(environment, env.entrySet().stream()
          .filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList());
    } catch (IOException e) {
      commands.debug("could not record the exported variables for the post step: " + e.getMessage());
    }
  }
}
