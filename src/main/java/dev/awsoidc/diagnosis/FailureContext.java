package dev.awsoidc.diagnosis;

import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.token.JwtClaims;
import java.util.Map;
import java.util.Optional;

/** What was known when the failure happened: the settings once parsed, the token's claims once fetched. */
public record FailureContext(
    Optional<ActionSettings> settings, Optional<JwtClaims> claims, Map<String, String> environment) {}
