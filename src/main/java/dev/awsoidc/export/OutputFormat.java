package dev.awsoidc.export;

import java.util.Arrays;
import java.util.Optional;

/** How {@code assume} hands the credentials on. */
public enum OutputFormat {
  /** The action's behaviour: masks, GITHUB_ENV, step outputs, summary. */
  GITHUB("github"),
  /** {@code export NAME='value'} lines for {@code eval "$(...)"}: see {@link EnvFormat}. */
  ENV("env"),
  /** The AWS SDKs' {@code credential_process} JSON: see {@link CredentialProcessFormat}. */
  CREDENTIAL_PROCESS("credential-process"),
  /** The credential_process fields plus ARN, account and region, for scripts: see {@link JsonFormat}. */
  JSON("json");

  private final String cliName;

  OutputFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name {@code --format} takes. */
  public String cliName() {
    return cliName;
  }

  public static Optional<OutputFormat> fromCliName(String name) {
    return Arrays.stream(values()).filter(f -> f.cliName.equals(name)).findFirst();
  }
}
