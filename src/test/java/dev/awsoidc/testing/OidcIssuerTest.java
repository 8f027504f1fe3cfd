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

    // ---- GitLab and Cognito shapes ----

    @Test
    void gitlabTokensHaveGitLabsClaimShape() throws Exception {
        try (var gitlab = OidcIssuer.gitlab()) {
            var discovery = Json.parseObject(TestHttp.get(gitlab.baseUrl() + "/.well-known/openid-configuration").body());
            assertEquals("https://gitlab.com", discovery.get("issuer"));
            assertEquals(gitlab.baseUrl() + "/oauth/discovery/keys", discovery.get("jwks_uri"));
            assertEquals(Map.of(gitlab.keyId(), gitlab.publicKey()), Jwt.parseJwks(TestHttp.get((String) discovery.get("jwks_uri")).body()));

            long before = Instant.now().getEpochSecond();
            String token = gitlab.issueToken(null);
            var claims = Jwt.claims(token);
            assertTrue(Jwt.verifyRs256(Jwt.decode(token), gitlab.publicKey()));
            assertEquals("https://gitlab.com", claims.get("iss"));
            assertEquals("https://gitlab.com", claims.get("aud"));
            assertEquals("project_path:my-group/my-project:ref_type:branch:ref:main", claims.get("sub"));
            assertEquals("my-group", claims.get("namespace_path"));
            assertEquals("my-group/my-project", claims.get("project_path"));
            assertEquals("main", claims.get("ref"));
            assertEquals("branch", claims.get("ref_type"));
            assertEquals("refs/heads/main", claims.get("ref_path"));
            assertEquals("true", claims.get("ref_protected"));
            assertEquals("push", claims.get("pipeline_source"));
            assertEquals(1, ((Number) claims.get("runner_id")).intValue());
            for (String name : List.of("namespace_id", "project_id", "user_id", "user_login", "pipeline_id", "job_id", "sha", "jti")) {
                assertTrue(claims.get(name) instanceof String s && !s.isEmpty(), name);
            }
            assertFalse(claims.containsKey("environment"));
            long iat = ((Number) claims.get("iat")).longValue();
            assertTrue(iat >= before && iat <= before + 5);
            assertEquals(iat + 300, ((Number) claims.get("exp")).longValue());

            gitlab.withRepository("acme/platform/api").withRef("refs/tags/v1.2.0").withEnvironment("production");
            claims = Jwt.claims(gitlab.issueToken("sts.amazonaws.com"));
            assertEquals("sts.amazonaws.com", claims.get("aud"));
            assertEquals("project_path:acme/platform/api:ref_type:tag:ref:v1.2.0", claims.get("sub"));
            assertEquals("acme/platform", claims.get("namespace_path"));
            assertEquals("production", claims.get("environment"));
            assertEquals("production", claims.get("deployment_tier"));
        }
        try (var selfManaged = OidcIssuer.gitlab("https://gitlab.example.com")) {
            var claims = Jwt.claims(selfManaged.issueToken(null));
            assertEquals("https://gitlab.example.com", claims.get("iss"));
            assertEquals("https://gitlab.example.com", claims.get("aud"));
            assertEquals(OidcIssuer.Shape.GITLAB, selfManaged.shape());
        }
    }

    @Test
    void cognitoTokensHaveAUserPoolIdTokensShape() throws Exception {
        try (var cognito = OidcIssuer.cognito("eu-west-1", "eu-west-1_AbCdEf123")) {
            assertEquals("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", cognito.issuerUrl());
            var discovery = Json.parseObject(TestHttp.get(cognito.baseUrl() + "/.well-known/openid-configuration").body());
            assertEquals(cognito.baseUrl() + "/.well-known/jwks.json", discovery.get("jwks_uri"));
            assertEquals(200, TestHttp.get((String) discovery.get("jwks_uri")).statusCode());

            var claims = Jwt.claims(cognito.issueToken(null));
            assertEquals(cognito.issuerUrl(), claims.get("iss"));
            assertEquals(OidcIssuer.COGNITO_CLIENT_ID, claims.get("aud"));
            assertEquals("id", claims.get("token_use"));
            assertTrue(((String) claims.get("sub")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
            assertEquals(claims.get("sub"), Jwt.claims(cognito.issueToken(null)).get("sub"), "one user: the same sub every time");
            assertEquals("octocat", claims.get("cognito:username"));
            assertEquals("octocat@example.com", claims.get("email"));
            assertEquals(claims.get("iat"), claims.get("auth_time"));
            assertFalse(claims.containsKey("nbf"));
            assertEquals("my-app-client", Jwt.claims(cognito.issueToken("my-app-client")).get("aud"));
        }
    }

    @Test
    void tokensCanBeMintedDirectly() {
        long before = Instant.now().getEpochSecond();
        String token = issuer.newToken().audience("aud-1").subject("repo:a/b:ref:refs/heads/x").claim("custom", List.of("x", "y"))
                .claim("actor", null).lifetime(Duration.ofHours(1)).signed();
        assertTrue(Jwt.verifyRs256(Jwt.decode(token), issuer.publicKey()));
        var claims = Jwt.claims(token);
        assertEquals("aud-1", claims.get("aud"));
        assertEquals("repo:a/b:ref:refs/heads/x", claims.get("sub"));
        assertEquals(List.of("x", "y"), claims.get("custom"));
        assertFalse(claims.containsKey("actor"));
        assertTrue(((Number) claims.get("exp")).longValue() >= before + 3600);
        assertTrue(issuer.servedTokens().isEmpty(), "minted, not served over HTTP");
        assertTrue(issuer.requests().isEmpty());

        assertFalse(Jwt.claims(issuer.newToken().withoutExpiry().signed()).containsKey("exp"));
        String none = issuer.newToken().algNone();
        assertTrue(none.endsWith("."));
        assertEquals(Map.of("alg", "none", "typ", "JWT"), Jwt.decode(none).header());
        assertEquals("https://github.com/octo-org", Jwt.claims(none).get("aud"));
    }

    // ---- more faults on /token ----

    @Test
    void rawRepliesOnTheTokenEndpoint() throws Exception {
        issuer.replyNext(200, "application/json", "{}").replyNext(502, "text/html", "<html>Bad Gateway</html>").replyNext(200, null, "");
        HttpResponse<String> noValue = fetchToken("a");
        assertEquals(200, noValue.statusCode());
        assertEquals("{}", noValue.body());
        HttpResponse<String> html = fetchToken("a");
        assertEquals(502, html.statusCode());
        assertEquals("text/html", html.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("<html>Bad Gateway</html>", html.body());
        HttpResponse<String> empty = fetchToken("a");
        assertEquals("", empty.body());
        assertTrue(empty.headers().firstValue("Content-Type").isEmpty());
        assertEquals(200, fetchToken("a").statusCode());
        assertEquals(1, issuer.servedTokens().size());
    }

    @Test
    void hangAndMidBodyReset() throws Exception {
        issuer.hangNext();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(issuer.tokenEndpointUrl() + "&audience=a"))
                .header("Authorization", "Bearer " + issuer.requestToken()).timeout(Duration.ofMillis(500)).build();
        assertThrows(java.net.http.HttpTimeoutException.class, () -> TestHttp.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));

        issuer.resetMidBodyNext();
        assertThrows(IOException.class, () -> fetchToken("a"));
        assertEquals(1, issuer.servedTokens().size(), "the token was cut off, not retried");
        assertEquals(200, fetchToken("a").statusCode());
        assertEquals(0, issuer.pendingFaults());
    }
}
