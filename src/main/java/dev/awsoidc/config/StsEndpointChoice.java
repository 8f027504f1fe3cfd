package dev.awsoidc.config;

import java.net.URI;
import java.util.Optional;

/**
 * The STS endpoint to call and where that choice came from (an input or a variable name), for messages.
 * Empty: the SDK's regional endpoint, {@code https://sts.<region>.amazonaws.com}.
 */
public record StsEndpointChoice(Optional<URI> endpoint, String source) {

  public static StsEndpointChoice regional() {
    return new StsEndpointChoice(Optional.empty(), "the regional default");
  }
}
