package dev.awsoidc.config;

import java.util.Optional;

/** {@code aws-access-key-id}, {@code aws-secret-access-key}, {@code aws-session-token}: all three are secrets. */
public record AccessKeyInputs(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {

  @Override
  public String toString() {
    return "AccessKeyInputs[***]";
  }
}
