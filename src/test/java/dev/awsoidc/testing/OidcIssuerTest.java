package dev.awsoidc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OidcIssuerTest {
    private final OidcIssuer issuer = OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start();

    @AfterEach
    void close() {
        issuer.close();
    }

    private HttpResponse<String> fetchToken(String audience) throws Exception {
        String url = issuer.tokenEndpointUrl() + (audience == null ? "" : "&audience=" + audience);
        return TestHttp.get(url, "Authorization", "Bearer " + issuer.requestToken());
    }

    private String tokenFromEndpoint(String audience) throws Exception {
        HttpResponse<String> response = fetchToken(audience);
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = Json.parseObject(response.body());
        assertEquals(1, ((Number) body.get("count")).intValue());
        return (String) body.get("value");
    }

    @Test
    void tokenSignatureVerifiesWithTheKeyPublishedInTheJwks() throws Exception {
        var discovery = Json.parseObject(TestHttp.get(issuer.baseUrl() + "/.well-known/openid-configuration").body());
        assertEquals(OidcIssuer.GITHUB_ISSUER, discovery.get("issuer"));
        assertEquals(List.of("RS256"), discovery.get("id_token_signing_alg_values_supported"));

        // Rebuild the key from n/e by hand, independent of the emulator's own JWKS code.
        var jwks = Json.parseObject(TestHttp.get((String) discovery.get("jwks_uri")).body());
        @SuppressWarnings("unchecked")
        var jwk = (Map<String, Object>) ((List<?>) jwks.get("keys")).getFirst();
        Base64.Decoder b64 = Base64.getUrlDecoder();
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, b64.decode((String) jwk.get("n"))), new BigInteger(1, b64.decode((String) jwk.get("e")))));
        assertEquals(issuer.publicKey(), key);

        String token = tokenFromEndpoint("sts.amazonaws.com");
        String[] parts = token.split("\\.");
        var header = Json.parseObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
        assertEquals(Map.of("alg", "RS256", "kid", jwk.get("kid"), "typ", "JWT"), header);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rsa.verify(b64.decode(parts[2])));
    }

    @Test
    void claimsHaveGitHubsShape() throws Exception {
        long before = Instant.now().getEpochSecond();
        var claims = Jwt.claims(tokenFromEndpoint("sts.amazonaws.com"));
        assertEquals(OidcIssuer.GITHUB_ISSUER, claims.get("iss"));
        assertEquals("sts.amazonaws.com", claims.get("aud"));
        assertEquals("repo:octo-org/octo-repo:ref:refs/heads/main", claims.get("sub"));
        assertEquals("octo-org/octo-repo", claims.get("repository"));
        assertEquals("octo-org", claims.get("repository_owner"));
        assertEquals("refs/heads/main", claims.get("ref"));
        assertEquals("branch", claims.get("ref_type"));
        assertEquals("push", claims.get("event_name"));
        assertEquals("octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main", claims.get("job_workflow_ref"));
        for (String name : List.of("repository_id", "repository_owner_id", "sha", "workflow", "workflow_ref", "actor",
                "run_id", "run_number", "run_attempt", "runner_environment", "jti")) {
            assertTrue(claims.get(name) instanceof String s && !s.isEmpty(), name);
        }
        assertFalse(claims.containsKey("environment"));
        long iat = ((Number) claims.get("iat")).longValue();
        assertTrue(iat >= before && iat <= before + 5);
        assertEquals(iat - 600, ((Number) claims.get("nbf")).longValue());
        assertEquals(iat + 300, ((Number) claims.get("exp")).longValue());
    }

    @Test
    void withoutAudienceTheAudienceIsTheOwnerUrl() throws Exception {
        assertEquals("https://github.com/octo-org", Jwt.claims(tokenFromEndpoint(null)).get("aud"));
        assertEquals("https://github.com/acme", Jwt.claims(issuer.withRepository("acme/app").issueToken(null)).get("aud"));
    }

    @Test
    void settingsShapeTheNextTokens() {
        issuer.withEnvironment("prod");
        var claims = Jwt.claims(issuer.issueToken("a"));
        assertEquals("repo:octo-org/octo-repo:environment:prod", claims.get("sub"));
        assertEquals("prod", claims.get("environment"));

        issuer.withEnvironment(null).withEventName("pull_request");
        assertEquals("repo:octo-org/octo-repo:pull_request", Jwt.claims(issuer.issueToken("a")).get("sub"));

        issuer.withSubject("repo:x/y:ref:refs/tags/v1").withClaim("custom", "yes").withClaim("iss", "https://elsewhere");
        claims = Jwt.claims(issuer.issueToken("a"));
        assertEquals("repo:x/y:ref:refs/tags/v1", claims.get("sub"));
        assertEquals("yes", claims.get("custom"));
        assertEquals("https://elsewhere", claims.get("iss"));
        assertNull(Jwt.claims(issuer.withClaim("custom", null).issueToken("a")).get("custom"));

        issuer.withLifetime(Duration.ofSeconds(-60));
        assertTrue(((Number) Jwt.claims(issuer.issueToken("a")).get("exp")).longValue() < Instant.now().getEpochSecond());
    }

    @Test
    void tokenEndpointWantsTheRequestToken() throws Exception {
        HttpResponse<String> none = TestHttp.get(issuer.tokenEndpointUrl() + "&audience=sts.amazonaws.com");
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("message"));
        assertEquals(401, TestHttp.get(issuer.tokenEndpointUrl(), "Authorization", "Bearer wrong").statusCode());
        assertEquals(401, TestHttp.get(issuer.tokenEndpointUrl(), "Authorization", issuer.requestToken()).statusCode());

        issuer.withRequestToken("rotated");
        assertEquals(200, TestHttp.get(issuer.tokenEndpointUrl(), "Authorization", "Bearer rotated").statusCode());
    }

    @Test
    void requestsAreLoggedAndPrintRedacted() throws Exception {
        HttpResponse<String> response = fetchToken("sts.amazonaws.com");
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        RecordedRequest request = issuer.requests().getLast();
        assertEquals("GET", request.method());
        assertEquals("/token?api-version=2.0&audience=sts.amazonaws.com", request.pathAndQuery());
        assertEquals("Bearer " + issuer.requestToken(), request.header("authorization"));
        assertEquals("sts.amazonaws.com", request.param("audience"));
        assertEquals("2.0", request.param("api-version"));
        assertFalse(request.toString().contains(issuer.requestToken()), request.toString());
    }

    @Test
    void failuresAreConsumedOnePerRequest() throws Exception {
        issuer.failNext(503, 2);
        assertEquals(503, fetchToken("a").statusCode());
        assertEquals(503, fetchToken("a").statusCode());
        assertEquals(200, fetchToken("a").statusCode());
        assertEquals(0, issuer.pendingFaults());
    }

    @Test
    void delayHoldsTheResponse() throws Exception {
        issuer.delayNext(Duration.ofMillis(400));
        long start = System.nanoTime();
        assertEquals(200, fetchToken("a").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 400);
    }

    @Test
    void resetClosesTheConnectionWithoutAResponse() throws Exception {
        // The JDK client retries an idempotent GET once after an empty reply, so one reset goes unnoticed...
        issuer.resetNext();
        assertEquals(200, fetchToken("a").statusCode());
        assertEquals(2, issuer.requests().size());
        // ...and two surface as an IOException.
        issuer.clearRequests();
        issuer.resetNext(2);
        assertThrows(IOException.class, () -> fetchToken("a"));
        assertEquals(2, issuer.requests().size());
        assertEquals(200, fetchToken("a").statusCode());
    }

    @Test
    void unknownPathsAre404() throws Exception {
        assertEquals(404, TestHttp.get(issuer.baseUrl() + "/nope").statusCode());
    }
}
