package dev.awsoidc.credentials;

import dev.awsoidc.token.JwtClaims;

/**
 * What a path tells the run while it works: the stage it is in (for a timeout's message) and the token's
 * claims once known (for a failure's diagnosis). Never a secret.
 */
public interface Progress {
  void stage(String description);

  void claims(JwtClaims claims);

  /** A line for debug logging only ({@code RUNNER_DEBUG=1}). */
  void debug(String line);
}
