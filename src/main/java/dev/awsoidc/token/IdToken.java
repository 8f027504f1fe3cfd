package dev.awsoidc.token;

import java.time.Duration;
import java.time.Instant;

/** An OIDC ID token (a JWT, a secret) and its decoded claims (not secret). */
public record IdToken(String value, JwtClaims claims) {

  /**
   * Decodes {@code value}'s claims; a value that is not a usable JWT is refused with a message naming
   * {@code source} and the fix, never the value.
   */
  public static IdToken parse(String value, String source) throws IdTokenUnavailableException {
    try {
      return new IdToken(value, JwtClaims.decode(value, source));
    } catch (JwtClaims.MalformedTokenException e) {
      throw new IdTokenUnavailableException(e.getMessage());
    }
  }

  /** True when the token expires within {@code margin} of {@code now}; false when it has no {@code exp}. */
  public boolean expiresWithin(Duration margin, Instant now) {
    return claims.expiresAt().map(exp -> !now.plus(margin).isBefore(exp)).orElse(false);
  }

  @Override
  public String toString() {
    return "IdToken[value=***, iss=" + claims.issuer().orElse("?") + ", sub=" + claims.subject().orElse("?") + "]";
  }
}
