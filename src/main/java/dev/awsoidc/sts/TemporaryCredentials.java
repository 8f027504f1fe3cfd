package dev.awsoidc.sts;

import java.time.Instant;

/** Short-lived credentials from STS. {@link #toString()} never shows the values: all three are secrets. */
public record TemporaryCredentials(
    String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {

  @Override
  public String toString() {
    return "TemporaryCredentials[accessKeyId=***, secretAccessKey=***, sessionToken=***, expiration="
        + expiration + "]";
  }
}
