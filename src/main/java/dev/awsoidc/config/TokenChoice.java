package dev.awsoidc.config;

import java.nio.file.Path;

/** Where the ID token comes from, as the user chose it (or the environment implies it). */
public sealed interface TokenChoice {

  /** The GitHub Actions runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN), for the audience input. */
  record GitHubRunner() implements TokenChoice {}

  /** A file holding the token, e.g. AWS_WEB_IDENTITY_TOKEN_FILE or a Kubernetes projected token. */
  record File(Path path) implements TokenChoice {}

  /** An environment variable holding the token, e.g. GitLab's {@code id_tokens} variable. {@code name}, not value. */
  record Variable(String name) implements TokenChoice {}

  /** Standard input, read to its end. */
  record Stdin() implements TokenChoice {}
}
