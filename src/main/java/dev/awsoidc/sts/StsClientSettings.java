package dev.awsoidc.sts;

import dev.awsoidc.proxy.HttpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to reach STS. Everything is explicit, so the SDK looks nothing up on its own: no profile files, no
 * instance metadata, no provider chain.
 *
 * @param endpoint empty for the SDK's regional endpoint
 * @param maxAttempts attempts per call, including the first; only transient faults are retried
 * @param socketFactory for https; empty for the JDK's default
 * @param proxy empty to connect directly
 */
public record StsClientSettings(
    String region,
    Optional<URI> endpoint,
    int maxAttempts,
    Duration connectTimeout,
    Duration readTimeout,
    Optional<SSLSocketFactory> socketFactory,
    Optional<HttpProxy> proxy) {

  public String endpointDescription() {
    return endpoint.map(URI::toString).orElse("https://sts." + region + ".amazonaws.com (regional default)");
  }
}
