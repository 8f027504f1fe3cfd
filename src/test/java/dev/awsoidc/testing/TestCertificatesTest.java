package dev.awsoidc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void create() throws IOException {
        certs = TestCertificates.create(dir);
    }

    @Test
    void trustStoreIsTheJdkRootsPlusTheTestCa() throws Exception {
        KeyStore jdk = KeyStore.getInstance(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts").toFile(), "changeit".toCharArray());
        KeyStore trust = KeyStore.getInstance(certs.trustStore().toFile(), certs.password().toCharArray());
        assertEquals(jdk.size() + 1, trust.size());
        assertTrue(Collections.list(jdk.aliases()).stream().allMatch(alias -> {
            try {
                return trust.isCertificateEntry(alias);
            } catch (Exception e) {
                return false;
            }
        }));
        X509Certificate ca = (X509Certificate) trust.getCertificate(TestCertificates.CA_ALIAS);
        assertTrue(ca.getBasicConstraints() >= 0, "CA certificate must be a CA");

        KeyStore server = KeyStore.getInstance(certs.keyStore().toFile(), certs.password().toCharArray());
        var chain = server.getCertificateChain("server");
        assertEquals(2, chain.length);
        var sans = ((X509Certificate) chain[0]).getSubjectAlternativeNames().stream().map(san -> san.get(1)).toList();
        assertTrue(sans.containsAll(List.of("127.0.0.1", "localhost")), sans.toString());
        assertTrue(Files.readString(certs.caPem()).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void httpsUrlConnectionTrustsTheIssuerThroughTheTrustStore() throws Exception {
        try (var issuer = OidcIssuer.builder().tls(certs).start()) {
            assertTrue(issuer.issuerUrl().startsWith("https://127.0.0.1:"));
            for (String host : List.of("127.0.0.1", "localhost")) {
                var url = URI.create("https://" + host + ":" + issuer.port() + "/.well-known/openid-configuration").toURL();
                var connection = (HttpsURLConnection) url.openConnection();
                connection.setSSLSocketFactory(certs.clientContext().getSocketFactory());
                assertEquals(200, connection.getResponseCode(), host);
                try (var in = connection.getInputStream()) {
                    assertEquals(issuer.issuerUrl(), Json.parseObject(new String(in.readAllBytes())).get("issuer"));
                }
            }
            // Without the test CA the certificate is not trusted: there is no trust-all anywhere.
            var plain = (HttpsURLConnection) URI.create(issuer.baseUrl() + "/.well-known/jwks").toURL().openConnection();
            assertThrows(SSLHandshakeException.class, plain::getResponseCode);
        }
    }

    @Test
    void stsOverHttpsAndLocalAwsEnvironment() throws Exception {
        try (var local = new LocalAws(0, 0, certs, null)) {
            Map<String, String> env = local.environment();
            assertTrue(env.get("AWS_ENDPOINT_URL_STS").startsWith("https://127.0.0.1:"));
            assertTrue(env.get("ACTIONS_ID_TOKEN_REQUEST_URL").startsWith("https://127.0.0.1:"));
            assertEquals(certs.trustStore().toAbsolutePath().toString(), env.get("TRUST_STORE"));
            assertEquals(TestCertificates.PASSWORD, env.get("TRUST_STORE_PASSWORD"));

            HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
            var token = client.send(HttpRequest.newBuilder(URI.create(env.get("ACTIONS_ID_TOKEN_REQUEST_URL") + "&audience=sts.amazonaws.com"))
                    .header("Authorization", "Bearer " + env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode());
            String form = TestHttp.form(Map.of("Action", "AssumeRoleWithWebIdentity", "Version", "2011-06-15", "RoleArn", LocalAws.ROLE_ARN,
                    "RoleSessionName", "tls", "WebIdentityToken", (String) Json.parseObject(token.body()).get("value")));
            var assumed = client.send(HttpRequest.newBuilder(URI.create(env.get("AWS_ENDPOINT_URL_STS")))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, assumed.statusCode(), assumed.body());
        }
    }
}
