package dev.awsoidc.cli;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.token.GitHubActionsTokenSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The token-source options that assume, claims and trust-policy --from-token share, and how one is chosen. */
final class TokenOptions {
  static final String FILE = "web-identity-token-file";
  static final String VARIABLE = "web-identity-token-env";
  static final String STDIN = "web-identity-token-stdin";
  /** The AWS SDKs' variable for a web identity token file. */
  static final String SDK_FILE_VARIABLE = "AWS_WEB_IDENTITY_TOKEN_FILE";
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private TokenOptions() {}

  static List<OptionSpec> specs() {
    return List.of(
        OptionSpec.value(FILE, "PATH", "read the token from this file (default: $" + SDK_FILE_VARIABLE
            + ", unless the GitHub runner's token variables are set)"),
        OptionSpec.value(VARIABLE, "NAME", "read the token from the environment variable NAME, e.g. GitLab's "
            + "id_tokens variable (give its name, not $NAME)"),
        OptionSpec.flag(STDIN, "read the token from standard input"));
  }

  /**
   * One explicit option; else the GitHub runner when its token variables are set (a job granted
   * {@code id-token: write} means that token, even on a runner pod that carries an EKS web identity file);
   * else {@code AWS_WEB_IDENTITY_TOKEN_FILE}; else a usage error listing the ways.
   */
  static TokenChoice choose(ParsedOptions options, Map<String, String> environment) throws UsageException {
    List<String> given = new ArrayList<>();
    for (String name : List.of(FILE, VARIABLE, STDIN)) if (options.has(name)) given.add("--" + name);
    if (given.size() > 1) {
      throw new UsageException(String.join(" and ", given) + " both choose the token source: give only one");
    }
    if (options.has(FILE)) {
      String path = options.get(FILE).orElseThrow();
      if (path.isBlank()) throw new UsageException("--" + FILE + " needs a file path: --" + FILE + " PATH");
      return new TokenChoice.File(Path.of(path));
    }
    if (options.has(VARIABLE)) {
      // never echo the value: a user who wrote --web-identity-token-env "$AWS_ID_TOKEN" passed the token itself
      if (!VARIABLE_NAME.matcher(options.get(VARIABLE).orElseThrow()).matches()) {
        throw new UsageException("--" + VARIABLE + " takes the NAME of the variable that holds the token "
            + "(e.g. --" + VARIABLE + " AWS_ID_TOKEN), not its value: the value given is not a variable name");
      }
      return new TokenChoice.Variable(options.get(VARIABLE).orElseThrow());
    }
    if (options.has(STDIN)) return new TokenChoice.Stdin();
    if (gitHubRunner(environment)) return new TokenChoice.GitHubRunner();
    Optional<String> sdkFile = nonBlank(environment.get(SDK_FILE_VARIABLE));
    if (sdkFile.isPresent()) return new TokenChoice.File(Path.of(sdkFile.get()));
    throw new UsageException("no ID token source: give --" + FILE + " PATH, --" + VARIABLE + " NAME or --" + STDIN
        + ", or set " + SDK_FILE_VARIABLE + " (in GitHub Actions: grant the job 'permissions: id-token: write')");
  }

  static boolean gitHubRunner(Map<String, String> environment) {
    return nonBlank(environment.get(GitHubActionsTokenSource.URL_VARIABLE)).isPresent()
        && nonBlank(environment.get(GitHubActionsTokenSource.TOKEN_VARIABLE)).isPresent();
  }

  static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
