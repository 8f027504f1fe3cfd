package dev.awsoidc.token;

import java.time.Duration;
import java.time.Instant;

/** An OIDC ID token (a JWT, a secret) and its decoded claims (not secret). */
public record IdToken(String value, JwtClaims claims) {

  /** True when the token expires within {@code margin} of {@code now}; false when it has no {@code exp}. */
  public boolean expiresWithin(Duration margin, Instant now) {
    return claims.expiresAt().map(exp -> !now.plus(margin).isBefore(exp)).orElse(false);
  }

  @Override
  public String toString() {
    return "IdToken[value=***, iss=" + claims.issuer().orElse("?") + ", sub=" + claims.subject().orElse("?") + "]";
  }
}
