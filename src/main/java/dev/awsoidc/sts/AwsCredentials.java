package dev.awsoidc.sts;

import java.time.Instant;
import java.util.Optional;

/**
 * AWS credentials to hand on: temporary ones from STS (with a session token and an expiry), or long-term access
 * keys given as inputs (neither). {@link #toString()} never shows a value: the key id, secret and token are secrets.
 */
public record AwsCredentials(
    String accessKeyId, String secretAccessKey, Optional<String> sessionToken, Optional<Instant> expiration) {

  public static AwsCredentials temporary(String accessKeyId, String secretAccessKey, String sessionToken,
      Instant expiration) {
    return new AwsCredentials(accessKeyId, secretAccessKey, Optional.of(sessionToken), Optional.of(expiration));
  }

  /** STS's answer to an assume-role call. */
  static AwsCredentials from(software.amazon.awssdk.services.sts.model.Credentials sts) {
    return temporary(sts.accessKeyId(), sts.secretAccessKey(), sts.sessionToken(), sts.expiration());
  }

  @Override
  public String toString() {
    return "AwsCredentials[accessKeyId=***, secretAccessKey=***, sessionToken=" + sessionToken.map(t -> "***")
        .orElse("none") + ", expiration=" + expiration.map(Instant::toString).orElse("none") + "]";
  }
}
