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
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

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
        assertEquals(mismatch, firstParagraph(callerIdentity(akid, secret, token, now, GCI, GCI + "&x=1").error(403, "Sender", "SignatureDoesNotMatch")));
        String wrongSecret = callerIdentity(akid, (secret.startsWith("x") ? "y" : "x") + secret.substring(1), token, now, GCI, GCI).error(403, "Sender", "SignatureDoesNotMatch");
        assertEquals(mismatch, firstParagraph(wrongSecret));
        // as AWS does, the message goes on with the canonical request, signed header values included
        assertTrue(wrongSecret.contains("The Canonical String for this request should have been\n'POST\n/\n"), wrongSecret);
        assertTrue(wrongSecret.contains("\nx-amz-security-token:" + token + "\n"), "the session token is echoed");
        assertTrue(wrongSecret.contains("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n"), wrongSecret);
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

    @Test
    void credentialScopeMustNameSts() throws Exception {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        URI uri = URI.create(sts.endpointUrl() + "/");
        String amzDate = AMZ_DATE.format(Instant.now());
        Map<String, String> headers = Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8", "Host", uri.getAuthority(), "X-Amz-Date", amzDate);
        for (String service : List.of("iam", "sts")) {
            String authorization = SigV4.authorization(alice.accessKeyId(), alice.secretAccessKey(), "us-east-1", service, "POST", uri, headers,
                    GCI.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = TestHttp.postForm(uri.toString(), GCI, "Authorization", authorization, "X-Amz-Date", amzDate);
            Reply reply = new Reply(response.statusCode(), TestHttp.xml(response.body()), response);
            if (service.equals("iam")) {
                assertEquals("Credential should be scoped to correct service: 'sts'. ", reply.error(403, "Sender", "SignatureDoesNotMatch"));
            } else {
                assertEquals(USER_ARN, reply.text("Arn"));
            }
        }
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

    // ---- signed calls through the AWS SDK: IAM users, sessions, AssumeRole ----

    private static final String USER_ARN = "arn:aws:iam::111122223333:user/alice";
    private static final String TARGET = "arn:aws:iam::111122223333:role/target";
    private static final String MISMATCH = "The request signature we calculated does not match the signature you provided."
            + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private StsClient sdk(AwsCredentials credentials, Region region) {
        return StsClient.builder().region(region).endpointOverride(URI.create(sts.endpointUrl()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private StsClient sdk(AwsCredentials credentials) {
        return sdk(credentials, Region.US_EAST_1);
    }

    private static AwsCredentials keys(StsEmulator.User user) {
        return AwsBasicCredentials.create(user.accessKeyId(), user.secretAccessKey());
    }

    private static AwsCredentials keys(software.amazon.awssdk.services.sts.model.Credentials c) {
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }

    /** Asserts an SDK call fails with this HTTP status and STS error code; returns the message. */
    private static String stsError(int status, String code, Executable call) {
        StsException e = assertThrows(StsException.class, call);
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
        assertEquals(status, e.statusCode(), e.getMessage());
        return e.awsErrorDetails().errorMessage();
    }

    private static String trust(String statementsJson) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statementsJson + "]}";
    }

    private static String allowUser(String action) {
        return "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + USER_ARN + "\"},\"Action\":\"" + action + "\"}";
    }

    @Test
    void iamUserKeysSignGetCallerIdentityAndAssumeRole() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        assertTrue(alice.accessKeyId().matches("AKIA[A-Z2-7]{16}"), alice.accessKeyId());
        assertEquals(40, alice.secretAccessKey().length());
        assertFalse(alice.toString().contains(alice.secretAccessKey()));
        sts.registerRole(TARGET, trust(allowUser("sts:AssumeRole")));

        try (var client = sdk(keys(alice), Region.EU_WEST_1)) {
            var identity = client.getCallerIdentity();
            assertEquals(USER_ARN, identity.arn());
            assertEquals("111122223333", identity.account());
            assertEquals(alice.userId(), identity.userId());
            assertTrue(identity.userId().matches("AIDA[A-Z2-7]{17}"));

            var assumed = client.assumeRole(b -> b.roleArn(TARGET).roleSessionName("alice-deploy"));
            assertEquals("arn:aws:sts::111122223333:assumed-role/target/alice-deploy", assumed.assumedRoleUser().arn());
            assertTrue(assumed.assumedRoleUser().assumedRoleId().matches("AROA[A-Z2-7]{17}:alice-deploy"));
            assertTrue(assumed.credentials().accessKeyId().matches("ASIA[A-Z2-7]{16}"));
            assertTrue(Math.abs(Duration.between(Instant.now().plusSeconds(3600), assumed.credentials().expiration()).toSeconds()) < 5);
            assertNull(assumed.packedPolicySize());

            var session = sts.session(assumed.credentials().accessKeyId()).orElseThrow();
            assertEquals(StsEmulator.CallerKind.USER, session.callerKind());
            assertEquals(USER_ARN, session.callerArn());
            assertEquals(TARGET, session.roleArn());
            assertEquals("alice-deploy", session.sessionName());
            assertEquals("eu-west-1", session.signingRegion());
            assertEquals(List.of("eu-west-1", "eu-west-1"), sts.signedRequests().stream().map(StsEmulator.SignedRequest::region).toList());
            assertEquals(List.of("GetCallerIdentity", "AssumeRole"), sts.signedRequests().stream().map(StsEmulator.SignedRequest::action).toList());

            try (var asRole = sdk(keys(assumed.credentials()))) {
                assertEquals(session.assumedRoleArn(), asRole.getCallerIdentity().arn());
                assertEquals(session.assumedRoleId(), asRole.getCallerIdentity().userId());
            }
        }
        // A key pair chosen by the test, e.g. the documentation's example key.
        StsEmulator.User bob = sts.registerUser("arn:aws:iam::444455556666:user/ci/bob", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        try (var client = sdk(keys(bob))) {
            assertEquals("444455556666", client.getCallerIdentity().account());
        }
    }

    @Test
    void signatureChecksFailWithAwsCodes() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        String invalid = "The security token included in the request is invalid.";
        try (var wrongSecret = sdk(AwsBasicCredentials.create(alice.accessKeyId(), (alice.secretAccessKey().startsWith("x") ? "y" : "x") + alice.secretAccessKey().substring(1)));
             var unknownKey = sdk(AwsBasicCredentials.create("AKIAAAAAAAAAAAAAAAAA", alice.secretAccessKey()));
             var userKeyWithToken = sdk(AwsSessionCredentials.create(alice.accessKeyId(), alice.secretAccessKey(), "IQoJb3JpZ2luX2Vjtoken"))) {
            assertEquals(MISMATCH, firstParagraph(stsError(403, "SignatureDoesNotMatch", wrongSecret::getCallerIdentity)));
            assertEquals(MISMATCH, firstParagraph(stsError(403, "SignatureDoesNotMatch",
                    () -> wrongSecret.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")))));
            assertEquals(invalid, stsError(403, "InvalidClientTokenId", unknownKey::getCallerIdentity));
            assertEquals(invalid, stsError(403, "InvalidClientTokenId", userKeyWithToken::getCallerIdentity));
        }
        assertTrue(sts.signedRequests().isEmpty());

        // Any scope region is accepted (and recorded) until one is required.
        sts.requireRegion("us-east-1");
        try (var otherRegion = sdk(keys(alice), Region.US_WEST_2); var right = sdk(keys(alice))) {
            assertEquals("Credential should be scoped to a valid region. ", stsError(403, "SignatureDoesNotMatch", otherRegion::getCallerIdentity));
            assertEquals(USER_ARN, right.getCallerIdentity().arn());
            assertEquals("us-east-1", sts.signedRequests().getLast().region());
        }

        // A client clock 20 minutes slow: its X-Amz-Date is outside the 15-minute window.
        SdkGlobalTime.setGlobalTimeOffset(20 * 60);
        try (var skewed = sdk(keys(alice))) {
            assertTrue(stsError(403, "SignatureDoesNotMatch", skewed::getCallerIdentity)
                    .matches("Signature expired: \\d{8}T\\d{6}Z is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 15 min\\.\\)"));
        } finally {
            SdkGlobalTime.setGlobalTimeOffset(0);
        }
    }

    @Test
    void sessionCredentialsMustCarryTheirOwnTokenAndExpire() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        sts.registerRole(TARGET, trust(allowUser("sts:AssumeRole")));
        try (var client = sdk(keys(alice))) {
            var c = client.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")).credentials();
            var other = client.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s2")).credentials();
            try (var mixed = sdk(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), other.sessionToken()));
                 var noToken = sdk(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()));
                 var session = sdk(keys(c))) {
                stsError(403, "InvalidClientTokenId", mixed::getCallerIdentity);
                stsError(403, "InvalidClientTokenId", noToken::getCallerIdentity);
                assertEquals("arn:aws:sts::111122223333:assumed-role/target/s1", session.getCallerIdentity().arn());
                sts.expireSession(c.accessKeyId());
                assertEquals("The security token included in the request is expired", stsError(400, "ExpiredToken", session::getCallerIdentity));
                stsError(400, "ExpiredToken", () -> session.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s3")));
            }
        }
    }

    @Test
    void assumeRoleRecordsWhatWasSent() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        sts.registerRole(TARGET, trust(allowUser("sts:AssumeRole") + "," + allowUser("sts:TagSession")));
        try (var client = sdk(keys(alice))) {
            var response = client.assumeRole(b -> b.roleArn(TARGET).roleSessionName("tagged").durationSeconds(900)
                    .externalId("ext-123").policy("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                    .policyArns(p -> p.arn("arn:aws:iam::aws:policy/ReadOnlyAccess"))
                    .tags(t -> t.key("Repository").value("octo-org/octo-repo"), t -> t.key("Actor").value("octocat"), t -> t.key("Branch").value("main"))
                    .transitiveTagKeys("Repository"));
            assertTrue(response.packedPolicySize() > 0);
            var session = sts.session(response.credentials().accessKeyId()).orElseThrow();
            assertEquals(List.of("Repository", "Actor", "Branch"), List.copyOf(session.tags().keySet()));
            assertEquals(Map.of("Repository", "octo-org/octo-repo", "Actor", "octocat", "Branch", "main"), session.tags());
            assertEquals(List.of("Repository"), session.transitiveTagKeys());
            assertEquals("ext-123", session.externalId());
            assertEquals("{\"Version\":\"2012-10-17\",\"Statement\":[]}", session.policy());
            assertEquals(List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"), session.policyArns());
            assertTrue(Math.abs(Duration.between(Instant.now().plusSeconds(900), session.expiration()).toSeconds()) < 5);
        }
    }

    @Test
    void trustPolicyPrincipalsDenyAndConditions() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        StsEmulator.User mallory = sts.registerUser("arn:aws:iam::999999999999:user/mallory");
        String byAccount = "arn:aws:iam::111122223333:role/by-account";
        String denied = "arn:aws:iam::111122223333:role/denied";
        String external = "arn:aws:iam::111122223333:role/external";
        sts.registerRole(byAccount, trust("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}"));
        sts.registerRole(denied, trust("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:*\"},"
                + "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":[\"" + USER_ARN + "\"]},\"Action\":[\"sts:AssumeRole\"]}"));
        sts.registerRole(external, trust("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\","
                + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":[\"ext-1\",\"ext-2\"]}}}"));
        try (var a = sdk(keys(alice)); var m = sdk(keys(mallory))) {
            assertEquals(200, a.assumeRole(b -> b.roleArn(byAccount).roleSessionName("s1")).sdkHttpResponse().statusCode());
            assertEquals("User: arn:aws:iam::999999999999:user/mallory is not authorized to perform: sts:AssumeRole on resource: " + byAccount,
                    stsError(403, "AccessDenied", () -> m.assumeRole(b -> b.roleArn(byAccount).roleSessionName("s1"))));
            // An explicit Deny wins over the Allow for everyone.
            assertEquals("User: " + USER_ARN + " is not authorized to perform: sts:AssumeRole on resource: " + denied,
                    stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(denied).roleSessionName("s1"))));
            m.assumeRole(b -> b.roleArn(denied).roleSessionName("s1"));
            // ExternalId: one of the listed values, missing or wrong is denied.
            a.assumeRole(b -> b.roleArn(external).roleSessionName("s1").externalId("ext-2"));
            stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(external).roleSessionName("s1")));
            stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(external).roleSessionName("s1").externalId("ext-3")));
            // A role that does not exist answers like one that does not trust the caller.
            stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn("arn:aws:iam::111122223333:role/missing").roleSessionName("s1")));
        }
        assertThrows(IllegalArgumentException.class, () -> sts.registerRole(TARGET,
                trust("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}}")));
    }

    @Test
    void tagsNeedTagSessionAndMatchRequestTagConditions() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        String noTagSession = "arn:aws:iam::111122223333:role/no-tag-session";
        sts.registerRole(noTagSession, trust(allowUser("sts:AssumeRole")));
        sts.registerRole(TARGET, trust(allowUser("sts:AssumeRole") + ",{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + USER_ARN + "\"},"
                + "\"Action\":\"sts:TagSession\",\"Condition\":{\"StringLike\":{\"aws:RequestTag/Repository\":\"octo-org/*\","
                + "\"aws:RequestTag/Branch\":[\"main\",\"release-?\"]},\"StringNotEquals\":{\"aws:RequestTag/Actor\":\"mallory\"},"
                + "\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"Repository\",\"Branch\",\"Actor\"]}}}"));
        try (var a = sdk(keys(alice))) {
            a.assumeRole(b -> b.roleArn(noTagSession).roleSessionName("s1"));
            assertEquals("User: " + USER_ARN + " is not authorized to perform: sts:TagSession on resource: " + noTagSession,
                    stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(noTagSession).roleSessionName("s1").tags(t -> t.key("Repository").value("x")))));

            a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(t -> t.key("Repository").value("octo-org/app"), t -> t.key("Branch").value("release-7")));
            a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(t -> t.key("Repository").value("octo-org/app"),
                    t -> t.key("Branch").value("main"), t -> t.key("Actor").value("octocat")));
            String tagDenied = "User: " + USER_ARN + " is not authorized to perform: sts:TagSession on resource: " + TARGET;
            assertEquals(tagDenied, stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                    .tags(t -> t.key("Repository").value("evil-org/app"), t -> t.key("Branch").value("main")))));
            assertEquals(tagDenied, stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                    .tags(t -> t.key("Repository").value("octo-org/app"), t -> t.key("Branch").value("release-10")))));
            assertEquals(tagDenied, stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                    .tags(t -> t.key("Repository").value("octo-org/app"), t -> t.key("Branch").value("main"), t -> t.key("Actor").value("mallory")))));
            assertEquals(tagDenied, stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                    .tags(t -> t.key("Repository").value("octo-org/app"), t -> t.key("Branch").value("main"), t -> t.key("Extra").value("x")))));
        }
    }

    @Test
    void roleChainingIsCappedAtOneHourAndCarriesTransitiveTags() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        String first = "arn:aws:iam::111122223333:role/first";
        sts.registerRole(first, Duration.ofHours(12), trust(allowUser("sts:AssumeRole") + "," + allowUser("sts:TagSession")));
        // A role ARN as principal matches every session of that role.
        sts.registerRole(TARGET, Duration.ofHours(12), trust("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + first + "\"},\"Action\":\"sts:AssumeRole\"}"));
        try (var a = sdk(keys(alice))) {
            var firstSession = a.assumeRole(b -> b.roleArn(first).roleSessionName("first").durationSeconds(43200)
                    .tags(t -> t.key("Repository").value("octo-org/app"), t -> t.key("Actor").value("octocat")).transitiveTagKeys("Repository"));
            try (var chained = sdk(keys(firstSession.credentials()))) {
                assertEquals("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
                        stsError(400, "ValidationError", () -> chained.assumeRole(b -> b.roleArn(TARGET).roleSessionName("second").durationSeconds(3601))));
                var second = chained.assumeRole(b -> b.roleArn(TARGET).roleSessionName("second").durationSeconds(3600));
                var session = sts.session(second.credentials().accessKeyId()).orElseThrow();
                assertEquals(StsEmulator.CallerKind.ASSUMED_ROLE, session.callerKind());
                assertEquals("arn:aws:sts::111122223333:assumed-role/first/first", session.callerArn());
                assertEquals(Map.of("Repository", "octo-org/app"), session.tags());
                assertEquals(List.of("Repository"), session.transitiveTagKeys());
                // Only sessions of the trusted role: alice herself is not a principal of TARGET.
                stsError(403, "AccessDenied", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("direct")));
            }
            String shortRole = "arn:aws:iam::111122223333:role/short";
            sts.registerRole(shortRole, trust(allowUser("sts:AssumeRole")));
            assertEquals("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                    stsError(400, "ValidationError", () -> a.assumeRole(b -> b.roleArn(shortRole).roleSessionName("s1").durationSeconds(7200))));
        }
    }

    @Test
    void sessionTagLimits() {
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        sts.registerRole(TARGET, trust(allowUser("sts:AssumeRole") + "," + allowUser("sts:TagSession")));
        try (var a = sdk(keys(alice))) {
            List<Tag> fiftyOne = java.util.stream.IntStream.rangeClosed(1, 51).mapToObj(i -> Tag.builder().key("k" + i).value("v").build()).toList();
            assertEquals("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
                    stsError(400, "ValidationError", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(fiftyOne))));
            a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(fiftyOne.subList(0, 50)));
            assertEquals("1 validation error detected: Value 'a*b' at 'tags.2.member.key' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
                    stsError(400, "ValidationError", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                            .tags(t -> t.key("ok").value("v"), t -> t.key("a*b").value("v")))));
            assertEquals("1 validation error detected: Value '" + "v".repeat(257) + "' at 'tags.1.member.value' failed to satisfy constraint: "
                            + "Member must have length less than or equal to 256",
                    stsError(400, "ValidationError", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(t -> t.key("k").value("v".repeat(257))))));
            assertEquals("Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                    stsError(400, "InvalidParameterValue", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                            .tags(t -> t.key("Actor").value("a"), t -> t.key("actor").value("b")))));
            stsError(400, "InvalidParameterValue", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1")
                    .tags(t -> t.key("Actor").value("a")).transitiveTagKeys("Branch")));

            // GitHub's 13 tags with long values fit the default room...
            List<Tag> github = java.util.stream.IntStream.rangeClosed(1, 13)
                    .mapToObj(i -> Tag.builder().key("GitHubTag" + i).value("octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main-" + "x".repeat(150)).build()).toList();
            assertTrue(a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(github)).packedPolicySize() <= 100);
            // ...and a smaller room refuses them with the share they would take.
            sts.packedPolicyLimit(1000);
            String message = stsError(400, "PackedPolicyTooLarge", () -> a.assumeRole(b -> b.roleArn(TARGET).roleSessionName("s1").tags(github)));
            int chars = github.stream().mapToInt(t -> t.key().length() + t.value().length()).sum();
            assertEquals("Packed size of session tags consumes " + (chars * 100 + 999) / 1000 + "% of allotted space", message);
        }
    }

    // ---- web identity from other issuers, under JSON trust policies ----

    private static String webIdentity(String providerArn, String conditionJson) {
        return trust("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + providerArn + "\"},"
                + "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":" + conditionJson + "}");
    }

    private StsClient anonymousSdk() {
        return StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(sts.endpointUrl()))
                .credentialsProvider(AnonymousCredentialsProvider.create()).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @Test
    void gitlabTokensUnderAJsonTrustPolicy() {
        String role = "arn:aws:iam::111122223333:role/gitlab-deploy";
        String selfManagedRole = "arn:aws:iam::111122223333:role/self-managed";
        try (var gitlab = OidcIssuer.gitlab(); var selfManaged = OidcIssuer.gitlab("https://gitlab.example.com"); var client = anonymousSdk()) {
            sts.registerProvider(gitlab, "https://gitlab.com").registerProvider(selfManaged, "sts.amazonaws.com");
            assertEquals("arn:aws:iam::111122223333:oidc-provider/gitlab.com", sts.providerArn(gitlab.issuerUrl()));
            sts.registerRole(role, webIdentity(sts.providerArn(gitlab.issuerUrl()), "{\"StringEquals\":{\"gitlab.com:aud\":\"https://gitlab.com\"},"
                    + "\"StringLike\":{\"gitlab.com:sub\":\"project_path:my-group/*:ref_type:branch:ref:main\"}}"));
            sts.registerRole(selfManagedRole, webIdentity("arn:aws:iam::111122223333:oidc-provider/gitlab.example.com",
                    "{\"StringEquals\":{\"gitlab.example.com:sub\":\"project_path:my-group/my-project:ref_type:tag:ref:v1.2\","
                            + "\"gitlab.example.com:aud\":\"sts.amazonaws.com\"}}"));

            var ok = client.assumeRoleWithWebIdentity(b -> b.roleArn(role).roleSessionName("gitlab").webIdentityToken(gitlab.issueToken(null)));
            assertEquals("project_path:my-group/my-project:ref_type:branch:ref:main", ok.subjectFromWebIdentityToken());
            assertEquals("gitlab.com", ok.provider());
            assertEquals("https://gitlab.com", ok.audience());
            var session = sts.session(ok.credentials().accessKeyId()).orElseThrow();
            assertEquals(StsEmulator.CallerKind.WEB_IDENTITY, session.callerKind());
            assertEquals("arn:aws:iam::111122223333:oidc-provider/gitlab.com", session.callerArn());

            gitlab.withRef("refs/heads/feature");
            assertEquals("Not authorized to perform sts:AssumeRoleWithWebIdentity", stsError(403, "AccessDenied",
                    () -> client.assumeRoleWithWebIdentity(b -> b.roleArn(role).roleSessionName("gitlab").webIdentityToken(gitlab.issueToken(null)))));

            selfManaged.withRef("refs/tags/v1.2");
            client.assumeRoleWithWebIdentity(b -> b.roleArn(selfManagedRole).roleSessionName("gl").webIdentityToken(selfManaged.issueToken("sts.amazonaws.com")));
            stsError(403, "AccessDenied", () -> client.assumeRoleWithWebIdentity(b -> b.roleArn(selfManagedRole).roleSessionName("gl")
                    .webIdentityToken(selfManaged.newToken().audience("sts.amazonaws.com").subject("project_path:my-group/other:ref_type:tag:ref:v1.2").signed())));
            // gitlab.com's token is not accepted by the self-managed role (other Federated principal).
            stsError(403, "AccessDenied", () -> client.assumeRoleWithWebIdentity(b -> b.roleArn(selfManagedRole).roleSessionName("gl")
                    .webIdentityToken(gitlab.issueToken(null))));
        }
    }

    @Test
    void cognitoIdTokensUnderAJsonTrustPolicy() {
        String role = "arn:aws:iam::111122223333:role/cognito";
        try (var cognito = OidcIssuer.cognito("us-east-1", "us-east-1_AbC"); var client = anonymousSdk()) {
            String key = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC";
            String sub = (String) Jwt.claims(cognito.issueToken(null)).get("sub");
            sts.registerProvider(cognito, OidcIssuer.COGNITO_CLIENT_ID);
            sts.registerRole(role, webIdentity(sts.providerArn(cognito.issuerUrl()),
                    "{\"StringEquals\":{\"" + key + ":aud\":\"" + OidcIssuer.COGNITO_CLIENT_ID + "\",\"" + key + ":sub\":\"" + sub + "\"}}"));
            var ok = client.assumeRoleWithWebIdentity(b -> b.roleArn(role).roleSessionName("cognito").webIdentityToken(cognito.issueToken(null)));
            assertEquals(key, ok.provider());
            assertEquals(sub, ok.subjectFromWebIdentityToken());
            stsError(403, "AccessDenied", () -> client.assumeRoleWithWebIdentity(b -> b.roleArn(role).roleSessionName("cognito")
                    .webIdentityToken(cognito.newToken().subject(java.util.UUID.randomUUID().toString()).signed())));
            assertEquals("Incorrect token audience", stsError(400, "InvalidIdentityToken", () -> client.assumeRoleWithWebIdentity(
                    b -> b.roleArn(role).roleSessionName("cognito").webIdentityToken(cognito.issueToken("another-app-client")))));
        }
    }

    @Test
    void unsecuredExpiredAndExpiryLessTokensAreRefused() {
        try (var client = anonymousSdk()) {
            String bad = "The web identity token that was passed could not be validated by AWS."
                    + " Get a new identity token from the identity provider and then retry the request.";
            assertEquals(bad, stsError(400, "InvalidIdentityToken", () -> client.assumeRoleWithWebIdentity(
                    b -> b.roleArn(ROLE).roleSessionName("s1").webIdentityToken(issuer.newToken().audience(AUD).algNone()))));
            assertEquals(bad, stsError(400, "InvalidIdentityToken", () -> client.assumeRoleWithWebIdentity(
                    b -> b.roleArn(ROLE).roleSessionName("s1").webIdentityToken(issuer.newToken().audience(AUD).withoutExpiry().signed()))));
            assertTrue(stsError(400, "ExpiredTokenException", () -> client.assumeRoleWithWebIdentity(
                    b -> b.roleArn(ROLE).roleSessionName("s1").webIdentityToken(issuer.newToken().audience(AUD).lifetime(Duration.ofSeconds(-5)).signed())))
                    .matches("Token expired: current date/time \\d+ must be before the expiration date/time \\d+"));
            try (var unknown = OidcIssuer.gitlab("https://gitlab.internal.example")) {
                assertEquals("No OpenIDConnect provider found in your account for https://gitlab.internal.example",
                        stsError(400, "InvalidIdentityToken", () -> client.assumeRoleWithWebIdentity(
                                b -> b.roleArn(ROLE).roleSessionName("s1").webIdentityToken(unknown.issueToken(AUD)))));
            }
            // The TrustPolicy record is the same as its JSON document.
            String json = new StsEmulator.TrustPolicy(OidcIssuer.GITHUB_ISSUER, AUD, "repo:octo-org/octo-repo:*").toJson("111122223333");
            sts.registerRole("arn:aws:iam::111122223333:role/from-json", json);
            client.assumeRoleWithWebIdentity(b -> b.roleArn("arn:aws:iam::111122223333:role/from-json").roleSessionName("s1").webIdentityToken(issuer.issueToken(AUD)));
        }
    }

    @Test
    void sessionTagsInATokenNeedTagSession() {
        String tagged = "arn:aws:iam::111122223333:role/tagged";
        String provider = sts.providerArn(OidcIssuer.GITHUB_ISSUER);
        sts.registerRole(tagged, trust("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + provider + "\"},"
                + "\"Action\":\"sts:AssumeRoleWithWebIdentity\"},{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + provider + "\"},"
                + "\"Action\":\"sts:TagSession\",\"Condition\":{\"StringEquals\":{\"aws:RequestTag/team\":\"platform\"}}}"));
        Map<String, Object> claim = Map.of("principal_tags", Map.of("team", List.of("platform")), "transitive_tag_keys", List.of("team"));
        try (var client = anonymousSdk()) {
            var ok = client.assumeRoleWithWebIdentity(b -> b.roleArn(tagged).roleSessionName("s1")
                    .webIdentityToken(issuer.newToken().audience(AUD).claim("https://aws.amazon.com/tags", claim).signed()));
            var session = sts.session(ok.credentials().accessKeyId()).orElseThrow();
            assertEquals(Map.of("team", "platform"), session.tags());
            assertEquals(List.of("team"), session.transitiveTagKeys());
            assertTrue(ok.packedPolicySize() > 0);
            stsError(403, "AccessDenied", () -> client.assumeRoleWithWebIdentity(b -> b.roleArn(tagged).roleSessionName("s1")
                    .webIdentityToken(issuer.newToken().audience(AUD).claim("https://aws.amazon.com/tags",
                            Map.of("principal_tags", Map.of("team", List.of("other")))).signed())));
            // The role from the TrustPolicy record has no sts:TagSession statement.
            stsError(403, "AccessDenied", () -> client.assumeRoleWithWebIdentity(b -> b.roleArn(ROLE).roleSessionName("s1")
                    .webIdentityToken(issuer.newToken().audience(AUD).claim("https://aws.amazon.com/tags", claim).signed())));
        }
    }

    // ---- more faults ----

    @Test
    void rawRepliesHangsAndMidBodyResets() throws Exception {
        sts.replyNext(502, "text/html", "<html><body>Bad Gateway</body></html>")
                .replyNext(200, null, "")
                .replyNext(200, "text/xml", "<AssumeRoleWithWebIdentityResponse xmlns=\"" + StsEmulator.NAMESPACE + "\"><AssumeRoleWith");
        HttpResponse<String> html = TestHttp.postForm(sts.endpointUrl() + "/", assumeParams(issuer.issueToken(AUD)));
        assertEquals(502, html.statusCode());
        assertEquals("text/html", html.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("<html><body>Bad Gateway</body></html>", html.body());
        HttpResponse<String> empty = TestHttp.postForm(sts.endpointUrl() + "/", assumeParams(issuer.issueToken(AUD)));
        assertEquals(200, empty.statusCode());
        assertEquals("", empty.body());
        assertTrue(empty.headers().firstValue("Content-Type").isEmpty());
        assertTrue(TestHttp.postForm(sts.endpointUrl() + "/", assumeParams(issuer.issueToken(AUD))).body().endsWith("<AssumeRoleWith"));

        sts.missingCredentialsNext();
        Reply noCredentials = assume();
        assertEquals(200, noCredentials.status());
        assertNull(noCredentials.text("Credentials"));
        assertEquals("arn:aws:sts::111122223333:assumed-role/deploy/gha-run-42", noCredentials.text("Arn"));

        sts.resetMidBodyNext();
        assertThrows(IOException.class, () -> TestHttp.postForm(sts.endpointUrl() + "/", assumeParams(issuer.issueToken(AUD))));

        sts.hangNext();
        var request = java.net.http.HttpRequest.newBuilder(URI.create(sts.endpointUrl() + "/")).timeout(Duration.ofMillis(500))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        TestHttp.form(assumeParams(issuer.issueToken(AUD))))).build();
        assertThrows(java.net.http.HttpTimeoutException.class, () -> TestHttp.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(0, sts.pendingFaults());
        assertEquals(200, assume().status());
    }

    @Test
    void sdkSeesMissingCredentialsAndMalformedXml() {
        try (var client = anonymousSdk()) {
            sts.missingCredentialsNext();
            var response = client.assumeRoleWithWebIdentity(b -> b.roleArn(ROLE).roleSessionName("s1").webIdentityToken(issuer.issueToken(AUD)));
            assertNull(response.credentials());
            sts.replyNext(200, "text/xml", "<AssumeRoleWithWebIdentityResponse><oops");
            assertThrows(software.amazon.awssdk.core.exception.SdkClientException.class, () -> client.assumeRoleWithWebIdentity(
                    b -> b.roleArn(ROLE).roleSessionName("s1").webIdentityToken(issuer.issueToken(AUD))));
        }
    }

    // ---- the AWS CLI (botocore's signer) against the signature check ----

    @Test
    void awsCliGetCallerIdentityWithUserKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "aws"))), "the AWS CLI is not installed");
        StsEmulator.User alice = sts.registerUser(USER_ARN);
        var ok = aws(home, alice.accessKeyId(), alice.secretAccessKey());
        assertEquals(0, ok.exitCode(), ok.output());
        assertEquals(USER_ARN, ok.output());
        assertEquals(alice.accessKeyId(), sts.signedRequests().getLast().accessKeyId());

        var wrong = aws(home, alice.accessKeyId(), (alice.secretAccessKey().startsWith("x") ? "y" : "x") + alice.secretAccessKey().substring(1));
        assertTrue(wrong.exitCode() != 0, wrong.output());
        assertTrue(wrong.output().contains("SignatureDoesNotMatch"), wrong.output());
        assertFalse(wrong.output().contains(alice.secretAccessKey().substring(1)));
    }

    private record CliResult(int exitCode, String output) {}

    private CliResult aws(java.nio.file.Path home, String keyId, String secret) throws Exception {
        var cli = new ProcessBuilder("aws", "sts", "get-caller-identity", "--output", "text", "--query", "Arn",
                "--endpoint-url", sts.endpointUrl()).redirectErrorStream(true);
        cli.environment().clear();
        cli.environment().put("PATH", System.getenv("PATH"));
        cli.environment().put("HOME", home.toString());
        cli.environment().put("AWS_ACCESS_KEY_ID", keyId);
        cli.environment().put("AWS_SECRET_ACCESS_KEY", secret);
        cli.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        cli.environment().put("AWS_MAX_ATTEMPTS", "1");
        Process process = cli.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        return new CliResult(process.exitValue(), output);
    }

    /** SignatureDoesNotMatch's first paragraph; the canonical request and string to sign follow it. */
    private static String firstParagraph(String message) {
        return message.split("\n\n", 2)[0];
    }
}
