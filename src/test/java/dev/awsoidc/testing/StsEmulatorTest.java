package dev.awsoidc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;

class StsEmulatorTest {
    private static final String ROLE = "arn:aws:iam::111122223333:role/deploy";
    private static final String AUD = "sts.amazonaws.com";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final OidcIssuer issuer = OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start();
    private final StsEmulator sts = StsEmulator.start()
            .registerProvider(issuer, AUD)
            .registerRole(ROLE, new StsEmulator.TrustPolicy(OidcIssuer.GITHUB_ISSUER, AUD, "repo:octo-org/octo-repo:*"));

    @AfterEach
    void close() {
        sts.close();
        issuer.close();
    }

    private record Reply(int status, Document xml, HttpResponse<String> raw) {
        String text(String name) { return TestHttp.text(xml, name); }

        /** Asserts an STS error document and returns its message. */
        String error(int expectedStatus, String type, String code) {
            assertEquals(expectedStatus, status, raw.body());
            assertEquals("ErrorResponse", xml.getDocumentElement().getLocalName());
            assertEquals(StsEmulator.NAMESPACE, xml.getDocumentElement().getNamespaceURI());
            assertEquals(type, text("Type"));
            assertEquals(code, text("Code"));
            assertEquals(raw.headers().firstValue("x-amzn-RequestId").orElseThrow(), text("RequestId"));
            return text("Message");
        }
    }

    private Reply post(Map<String, String> params, String... headers) throws Exception {
        HttpResponse<String> response = TestHttp.postForm(sts.endpointUrl() + "/", params, headers);
        assertEquals("text/xml", response.headers().firstValue("Content-Type").orElseThrow());
        return new Reply(response.statusCode(), TestHttp.xml(response.body()), response);
    }

    private Map<String, String> assumeParams(String token) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", "AssumeRoleWithWebIdentity");
        p.put("Version", "2011-06-15");
        p.put("RoleArn", ROLE);
        p.put("RoleSessionName", "gha-run-42");
        p.put("WebIdentityToken", token);
        return p;
    }

    private Reply assumeWith(String token, String... extra) throws Exception {
        Map<String, String> p = assumeParams(token);
        for (int i = 0; i < extra.length; i += 2) p.put(extra[i], extra[i + 1]);
        return post(p);
    }

    private Reply assume(String... extra) throws Exception {
        return assumeWith(issuer.issueToken(AUD), extra);
    }

    @Test
    void assumeRoleWithWebIdentitySucceedsWithRealResponseShape() throws Exception {
        Reply r = assume("DurationSeconds", "900", "Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("AssumeRoleWithWebIdentityResponse", r.xml().getDocumentElement().getLocalName());
        assertEquals(StsEmulator.NAMESPACE, r.xml().getDocumentElement().getNamespaceURI());
        assertEquals(r.raw().headers().firstValue("x-amzn-RequestId").orElseThrow(), r.text("RequestId"));

        assertEquals("repo:octo-org/octo-repo:ref:refs/heads/main", r.text("SubjectFromWebIdentityToken"));
        assertEquals(AUD, r.text("Audience"));
        assertEquals("token.actions.githubusercontent.com", r.text("Provider"));
        assertEquals("arn:aws:sts::111122223333:assumed-role/deploy/gha-run-42", r.text("Arn"));
        assertTrue(r.text("AssumedRoleId").matches("AROA[A-Z2-7]{17}:gha-run-42"), r.text("AssumedRoleId"));
        assertTrue(r.text("AccessKeyId").matches("ASIA[A-Z2-7]{16}"), r.text("AccessKeyId"));
        String secret = r.text("SecretAccessKey");
        assertEquals(40, secret.length());
        assertTrue(secret.contains("+") && secret.contains("/"));
        assertTrue(r.text("SessionToken").length() > 500);
        Instant expiration = Instant.parse(r.text("Expiration"));
        assertTrue(r.text("Expiration").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), r.text("Expiration"));
        assertTrue(Math.abs(Duration.between(Instant.now().plusSeconds(900), expiration).toSeconds()) < 5);
        assertTrue(Integer.parseInt(r.text("PackedPolicySize")) > 0);

        var session = sts.session(r.text("AccessKeyId")).orElseThrow();
        assertEquals(secret, session.secretAccessKey());
        assertEquals(r.text("SessionToken"), session.sessionToken());
        assertFalse(session.toString().contains(secret));

        // Fresh credentials every call.
        assertFalse(assume().text("AccessKeyId").equals(r.text("AccessKeyId")));
    }

    @Test
    void theLogShowsWhatArrived() throws Exception {
        assume("DurationSeconds", "1800", "Policy", "{}", "PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
        RecordedRequest request = sts.requests().getLast();
        assertEquals("POST", request.method());
        assertEquals("AssumeRoleWithWebIdentity", request.action());
        assertNull(request.header("Authorization"));
        assertEquals("1800", request.param("DurationSeconds"));
        assertEquals("{}", request.param("Policy"));
        assertEquals("arn:aws:iam::aws:policy/ReadOnlyAccess", request.param("PolicyArns.member.1.arn"));
        assertFalse(request.toString().contains(request.param("WebIdentityToken")));
    }

    @Test
    void environmentSubjectsMatchTheirOwnTrustStatement() throws Exception {
        String prodRole = "arn:aws:iam::111122223333:role/prod-deploy";
        sts.registerRole(prodRole, new StsEmulator.TrustPolicy(OidcIssuer.GITHUB_ISSUER, AUD, "repo:octo-org/octo-repo:environment:prod"));
        issuer.withEnvironment("prod");
        assertEquals(200, assume("RoleArn", prodRole).status());
        issuer.withEnvironment("staging");
        assertEquals("Not authorized to perform sts:AssumeRoleWithWebIdentity",
                assume("RoleArn", prodRole).error(403, "Sender", "AccessDenied"));
    }

    @Test
    void xmlTextIsEscaped() throws Exception {
        issuer.withSubject("repo:octo-org/octo-repo:ref:refs/heads/a&b<c>'\"");
        Reply r = assume();
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("repo:octo-org/octo-repo:ref:refs/heads/a&b<c>'\"", r.text("SubjectFromWebIdentityToken"));
    }

    @Test
    void parameterValidationErrors() throws Exception {
        assertEquals("Request ARN is invalid", assume("RoleArn", "arn:aws:iam::123:role/deploy").error(400, "Sender", "ValidationError"));
        assertEquals("1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 2", assume("RoleSessionName", "x").error(400, "Sender", "ValidationError"));
        assertEquals("1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: [\\w+=,.@-]*", assume("RoleSessionName", "a b").error(400, "Sender", "ValidationError"));
        assertEquals("1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 900", assume("DurationSeconds", "899").error(400, "Sender", "ValidationError"));
        assertEquals("2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 2; Value '60' at 'durationSeconds' failed to satisfy constraint: "
                        + "Member must have value greater than or equal to 900",
                assume("RoleSessionName", "x", "DurationSeconds", "60").error(400, "Sender", "ValidationError"));
        assertEquals("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                assume("DurationSeconds", "3601").error(400, "Sender", "ValidationError"));
        assertTrue(assume("Policy", "{\"Version\":").error(400, "Sender", "MalformedPolicyDocument").startsWith("Unexpected end-of-input"));
    }

    @Test
    void longerSessionsNeedALargerMaxSessionDuration() throws Exception {
        String longRole = "arn:aws:iam::111122223333:role/long";
        sts.registerRole(longRole, Duration.ofHours(12), new StsEmulator.TrustPolicy(OidcIssuer.GITHUB_ISSUER, AUD, "*"));
        assertEquals(200, assume("RoleArn", longRole, "DurationSeconds", "43200").status());
    }

    @Test
    void identityTokenErrors() throws Exception {
        try (var stranger = OidcIssuer.builder().issuerUrl("https://issuer.example.com").start();
             var impostor = OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start()) {
            assertEquals("No OpenIDConnect provider found in your account for https://issuer.example.com",
                    assumeWith(stranger.issueToken(AUD)).error(400, "Sender", "InvalidIdentityToken"));
            // Same iss, a key the provider's JWKS does not have.
            assertTrue(assumeWith(impostor.issueToken(AUD)).error(400, "Sender", "InvalidIdentityToken")
                    .startsWith("Couldn't retrieve verification key from your identity provider"));
        }
        String[] parts = issuer.issueToken(AUD).split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("octo-org/octo-repo", "octo-org/octo-repa").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertTrue(assumeWith(forged).error(400, "Sender", "InvalidIdentityToken").startsWith("The web identity token that was passed could not be validated"));
        assertTrue(assumeWith("not-a-jwt").error(400, "Sender", "InvalidIdentityToken").startsWith("The web identity token"));

        assertEquals("Incorrect token audience", assumeWith(issuer.issueToken("https://github.com/octo-org")).error(400, "Sender", "InvalidIdentityToken"));

        issuer.withLifetime(Duration.ofSeconds(-30));
        assertTrue(assume().error(400, "Sender", "ExpiredTokenException")
                .matches("Token expired: current date/time \\d+ must be before the expiration date/time \\d+"));
    }

    @Test
    void untrustedOrUnknownRolesAreDenied() throws Exception {
        assertEquals("Not authorized to perform sts:AssumeRoleWithWebIdentity",
                assume("RoleArn", "arn:aws:iam::111122223333:role/other").error(403, "Sender", "AccessDenied"));
        issuer.withRepository("evil-org/octo-repo");
        assertEquals("Not authorized to perform sts:AssumeRoleWithWebIdentity", assume().error(403, "Sender", "AccessDenied"));
    }

    @Test
    void unknownActionIsInvalidAction() throws Exception {
        assertEquals("Could not find operation AssumeRole2 for version 2011-06-15",
                post(Map.of("Action", "AssumeRole2", "Version", "2011-06-15")).error(400, "Sender", "InvalidAction"));
    }

    // ---- GetCallerIdentity (SigV4) ----

    private Reply callerIdentity(String akid, String secret, String token, Instant at, String signedBody, String sentBody) throws Exception {
        URI uri = URI.create(sts.endpointUrl() + "/");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        headers.put("Host", uri.getAuthority());
        headers.put("X-Amz-Date", AMZ_DATE.format(at));
        if (token != null) headers.put("X-Amz-Security-Token", token);
        String authorization = SigV4.authorization(akid, secret, "us-east-1", "sts", "POST", uri, headers, signedBody.getBytes(StandardCharsets.UTF_8));
        List<String> sent = new java.util.ArrayList<>(List.of("Authorization", authorization, "X-Amz-Date", headers.get("X-Amz-Date")));
        if (token != null) sent.addAll(List.of("X-Amz-Security-Token", token));
        HttpResponse<String> response = TestHttp.postForm(uri.toString(), sentBody, sent.toArray(String[]::new));
        return new Reply(response.statusCode(), TestHttp.xml(response.body()), response);
    }

    private static final String GCI = "Action=GetCallerIdentity&Version=2011-06-15";

    @Test
    void getCallerIdentityVerifiesSigV4() throws Exception {
        Reply assumed = assume();
        String akid = assumed.text("AccessKeyId");
        String secret = assumed.text("SecretAccessKey");
        String token = assumed.text("SessionToken");
        Instant now = Instant.now();

        Reply ok = callerIdentity(akid, secret, token, now, GCI, GCI);
        assertEquals(200, ok.status(), ok.raw().body());
        assertEquals("GetCallerIdentityResponse", ok.xml().getDocumentElement().getLocalName());
        assertEquals("arn:aws:sts::111122223333:assumed-role/deploy/gha-run-42", ok.text("Arn"));
        assertEquals(assumed.text("AssumedRoleId"), ok.text("UserId"));
        assertEquals("111122223333", ok.text("Account"));

        String mismatch = "The request signature we calculated does not match the signature you provided."
                + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
        assertEquals(mismatch, callerIdentity(akid, secret, token, now, GCI, GCI + "&x=1").error(403, "Sender", "SignatureDoesNotMatch"));
        assertEquals(mismatch, callerIdentity(akid, "x" + secret.substring(1), token, now, GCI, GCI).error(403, "Sender", "SignatureDoesNotMatch"));
        assertTrue(callerIdentity(akid, secret, token, now.minus(Duration.ofMinutes(20)), GCI, GCI)
                .error(403, "Sender", "SignatureDoesNotMatch").startsWith("Signature expired: "));

        String invalid = "The security token included in the request is invalid.";
        assertEquals(invalid, callerIdentity("ASIAAAAAAAAAAAAAAAAA", secret, token, now, GCI, GCI).error(403, "Sender", "InvalidClientTokenId"));
        assertEquals(invalid, callerIdentity(akid, secret, token + "x", now, GCI, GCI).error(403, "Sender", "InvalidClientTokenId"));
        assertEquals(invalid, callerIdentity(akid, secret, null, now, GCI, GCI).error(403, "Sender", "InvalidClientTokenId"));
        assertEquals("Request is missing Authentication Token",
                post(Map.of("Action", "GetCallerIdentity", "Version", "2011-06-15")).error(403, "Sender", "MissingAuthenticationToken"));

        sts.expireSession(akid);
        assertEquals("The security token included in the request is expired",
                callerIdentity(akid, secret, token, now, GCI, GCI).error(400, "Sender", "ExpiredToken"));
    }

    // ---- faults ----

    @Test
    void scriptedFailuresAreConsumedOnePerRequest() throws Exception {
        sts.failNext(503, "ServiceUnavailable", 2).failNext(500, "InternalFailure", 1).throttleNext(1).idpCommunicationErrorNext(1);
        assertEquals("Service is unable to handle request.", assume().error(503, "Receiver", "ServiceUnavailable"));
        assume().error(503, "Receiver", "ServiceUnavailable");
        assume().error(500, "Receiver", "InternalFailure");
        assertEquals("Rate exceeded", assume().error(400, "Sender", "Throttling"));
        assume().error(400, "Sender", "IDPCommunicationError");
        assertEquals(200, assume().status());
        assertEquals(6, sts.requests().size());
    }

    @Test
    void delayAndReset() throws Exception {
        sts.delayNext(Duration.ofMillis(400));
        long start = System.nanoTime();
        assertEquals(200, assume().status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 400);

        sts.resetNext();
        assertThrows(IOException.class, () -> TestHttp.postForm(sts.endpointUrl() + "/", assumeParams(issuer.issueToken(AUD))));
        assertEquals(200, assume().status());
        assertEquals(3, sts.requests().size());
    }

    // ---- interop: the AWS SDK for Java v2 (a client we did not write) against the emulator ----

    @Test
    void awsSdkAssumesTheRoleAndSignsGetCallerIdentity() {
        var endpoint = URI.create(sts.endpointUrl());
        try (var anonymous = StsClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
                .credentialsProvider(AnonymousCredentialsProvider.create()).httpClient(UrlConnectionHttpClient.create()).build()) {
            var creds = anonymous.assumeRoleWithWebIdentity(b -> b.roleArn(ROLE).roleSessionName("sdk")
                    .webIdentityToken(issuer.issueToken(AUD)).durationSeconds(900)).credentials();
            assertNull(sts.requests().getLast().header("Authorization"));

            try (var signed = StsClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsSessionCredentials.create(creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken())))
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                assertEquals("arn:aws:sts::111122223333:assumed-role/deploy/sdk", signed.getCallerIdentity().arn());
            }

            var error = assertThrows(InvalidIdentityTokenException.class, () -> anonymous.assumeRoleWithWebIdentity(
                    b -> b.roleArn(ROLE).roleSessionName("sdk").webIdentityToken(issuer.issueToken("wrong-audience"))));
            assertEquals("Incorrect token audience", error.awsErrorDetails().errorMessage());
        }
    }
}
