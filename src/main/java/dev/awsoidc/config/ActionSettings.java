package dev.awsoidc.config;

import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.sts.RoleRequest;
import java.time.Duration;
import java.util.Optional;

/** The inputs, validated and typed. Nothing here has touched the network. */
public record ActionSettings(
    CredentialPath path,
    String region,
    RoleRequest role,
    ExportOptions export,
    StsEndpointChoice stsEndpoint,
    int retryMaxAttempts,
    Optional<Duration> actionTimeout,
    Optional<HttpProxy> proxy) {}
