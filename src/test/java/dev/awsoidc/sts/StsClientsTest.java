package dev.awsoidc.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.OidcIssuer;
import dev.awsoidc.testing.RecordedRequest;
import dev.awsoidc.testing.StsEmulator;
import dev.awsoidc.testing.TestCertificates;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The client factory against the STS emulator, through the real SDK: the web-identity call goes out unsigned, and
 * a client built with the credentials it returned signs GetCallerIdentity with SigV4, which the emulator verifies.
 */
class StsClientsTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/deploy";
  private static final String AUDIENCE = "sts.amazonaws.com";

  @TempDir Path temp;

  @Test
  void unsignedWebIdentityThenSignedCallerIdentityOverPlainHttp() {
    try (OidcIssuer issuer = OidcIssuer.start(); StsEmulator sts = emulator(null, issuer)) {
      exchangeThenSign(issuer, sts, Optional.empty());
    }
  }

  @Test
  void unsignedWebIdentityThenSignedCallerIdentityOverTls() throws Exception {
    TestCertificates tls = TestCertificates.create(temp.resolve("tls"));
    try (OidcIssuer issuer = OidcIssuer.start(); StsEmulator sts = emulator(tls, issuer)) {
      exchangeThenSign(issuer, sts, Optional.of(tls.clientContext().getSocketFactory()));
    }
  }

  @Test
  void aSignatureWithTheWrongSecretIsRefused() {
    try (OidcIssuer issuer = OidcIssuer.start(); StsEmulator sts = emulator(null, issuer)) {
      StsClientSettings settings = settings(sts, Optional.empty());
      Credentials issued = assume(settings, issuer);
      var wrong = withWrongSecret(issued);
      try (StsClient signed = StsClients.build(settings, StaticCredentialsProvider.create(wrong))) {
        StsException refused = assertThrows(StsException.class, signed::getCallerIdentity);
        assertEquals("SignatureDoesNotMatch", refused.awsErrorDetails().errorCode());
      }
    }
  }

  /**
   * The SDK looks for clock skew in the Date header of every 401/403 (a cold java.time parse, ~15 ms): only a
   * signed call can be skewed, so only a signed client's error answers keep that header.
   */
  @Test
  void onlySignedCallsShowTheSdkTheDateOfAnErrorAnswer() {
    try (OidcIssuer issuer = OidcIssuer.start(); StsEmulator sts = emulator(null, issuer)) {
      StsClientSettings settings = settings(sts, Optional.empty());
      try (StsClient anonymous = StsClients.build(settings, AnonymousCredentialsProvider.create())) {
        StsException denied = assertThrows(StsException.class, () -> anonymous.assumeRoleWithWebIdentity(request ->
            request.roleArn("arn:aws:iam::111122223333:role/not-trusted").roleSessionName("run-1")
                .webIdentityToken(issuer.issueToken(AUDIENCE))));
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
        assertTrue(denied.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Date").isEmpty());
      }
      Credentials issued = assume(settings, issuer);
      var wrong = withWrongSecret(issued);
      try (StsClient signed = StsClients.build(settings, StaticCredentialsProvider.create(wrong))) {
        StsException refused = assertThrows(StsException.class, signed::getCallerIdentity);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Date").isPresent());
      }
    }
  }

  private static void exchangeThenSign(OidcIssuer issuer, StsEmulator sts, Optional<SSLSocketFactory> sockets) {
    StsClientSettings settings = settings(sts, sockets);
    Credentials issued = assume(settings, issuer);
    var session = AwsSessionCredentials.create(issued.accessKeyId(), issued.secretAccessKey(), issued.sessionToken());
    try (StsClient signed = StsClients.build(settings, StaticCredentialsProvider.create(session))) {
      GetCallerIdentityResponse identity = signed.getCallerIdentity();
      assertEquals(sts.session(issued.accessKeyId()).orElseThrow().assumedRoleArn(), identity.arn());
      assertEquals("111122223333", identity.account());
    }
    List<RecordedRequest> requests = sts.requests();
    assertEquals(List.of("AssumeRoleWithWebIdentity", "GetCallerIdentity"),
        requests.stream().map(RecordedRequest::action).toList());
    assertNull(requests.get(0).header("Authorization"), "the web-identity call is unsigned");
    String authorization = requests.get(1).header("Authorization");
    assertNotNull(authorization);
    // SigV4 scoped to the client's region and the sts service, as the SDK's auth-scheme resolution decides
    assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + issued.accessKeyId() + "/"), authorization);
    assertTrue(authorization.contains("/eu-central-1/sts/aws4_request"), authorization);
  }

  /**
   * The issued credentials with the secret's first character changed (to another one: a secret that happened to
   * start with the replacement would otherwise stay right, about one run in 64).
   */
  private static AwsSessionCredentials withWrongSecret(Credentials issued) {
    String secret = issued.secretAccessKey();
    return AwsSessionCredentials.create(issued.accessKeyId(), (secret.charAt(0) == 'x' ? "y" : "x")
        + secret.substring(1), issued.sessionToken());
  }

  private static Credentials assume(StsClientSettings settings, OidcIssuer issuer) {
    try (StsClient anonymous = StsClients.build(settings, AnonymousCredentialsProvider.create())) {
      return anonymous.assumeRoleWithWebIdentity(request -> request.roleArn(ROLE).roleSessionName("run-1")
          .webIdentityToken(issuer.issueToken(AUDIENCE))).credentials();
    }
  }

  private static StsEmulator emulator(TestCertificates tls, OidcIssuer issuer) {
    return StsEmulator.builder().tls(tls).start()
        .registerProvider(issuer, AUDIENCE)
        .registerRole(ROLE, new StsEmulator.TrustPolicy(issuer.issuerUrl(), AUDIENCE, "repo:octo-org/octo-repo:*"));
  }

  private static StsClientSettings settings(StsEmulator sts, Optional<SSLSocketFactory> sockets) {
    return new StsClientSettings("eu-central-1", Optional.of(URI.create(sts.endpointUrl())), 1,
        Duration.ofSeconds(5), Duration.ofSeconds(10), sockets, Optional.empty());
  }
}
