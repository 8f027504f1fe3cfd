package dev.awsoidc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away test CA and a server certificate for 127.0.0.1/localhost, made with the JDK's keytool
 * (the JDK has no public certificate-building API). Files written to {@code directory}:
 * <ul>
 *   <li>{@code server.p12}: PKCS12 key store, the server key with chain [server, CA];
 *   <li>{@code truststore.p12}: PKCS12 copy of the JDK's {@code lib/security/cacerts} plus the test CA, so
 *       clients keep trusting the usual roots (no trust-all shortcut);
 *   <li>{@code ca.pem}: the CA certificate alone (for curl, AWS_CA_BUNDLE and the like).
 * </ul>
 * Both stores use {@link #PASSWORD}; it protects nothing secret. {@code serverGroups}: the TLS key-exchange groups
 * the servers accept; empty for the JDK's default list (see {@link #withServerGroups}).
 */
public record TestCertificates(Path directory, Path keyStore, Path trustStore, Path caPem, String password,
                               List<String> serverGroups) {
    public static final String PASSWORD = "changeit";
    public static final String CA_ALIAS = "aws-oidc-credentials-test-ca";

    /** Generates a fresh CA and server certificate into {@code directory} (created if missing). */
    public static TestCertificates create(Path directory) throws IOException {
        return create(directory, "ip:127.0.0.1,dns:localhost", "-1d", 30);
    }

    /** A fresh CA (trusted by {@link #trustStore}) and a server certificate that names only {@code dnsName}. */
    public static TestCertificates forOtherHost(Path directory, String dnsName) throws IOException {
        return create(directory, "dns:" + dnsName, "-1d", 30);
    }

    /** A fresh CA (trusted by {@link #trustStore}) and a server certificate for 127.0.0.1 that expired 9 days ago. */
    public static TestCertificates expired(Path directory) throws IOException {
        return create(directory, "ip:127.0.0.1,dns:localhost", "-10d", 1);
    }

    /** {@code san}: keytool's subject alternative names; {@code serverStart}/{@code serverDays}: the server certificate's validity. */
    private static TestCertificates create(Path directory, String san, String serverStart, int serverDays) throws IOException {
        Files.createDirectories(directory);
        Path ca = directory.resolve("ca.p12");
        Path server = directory.resolve("server.p12");
        Path csr = directory.resolve("server.csr");
        Path serverCrt = directory.resolve("server.crt");
        for (Path p : List.of(ca, server, csr, serverCrt)) Files.deleteIfExists(p);
        String[] common = {"-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD};

        keytool(common, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-startdate", "-1d",
                "-ext", "bc:c", "-dname", "CN=aws-oidc-credentials test CA", "-keystore", ca.toString());
        keytool(common, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-startdate", "-1d",
                "-dname", "CN=localhost", "-keystore", server.toString());
        keytool(common, "-certreq", "-alias", "server", "-file", csr.toString(), "-keystore", server.toString());
        keytool(common, "-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", serverCrt.toString(), "-rfc",
                "-validity", String.valueOf(serverDays), "-startdate", serverStart, "-ext", "san=" + san, "-ext", "eku=serverAuth",
                "-ext", "ku=digitalSignature,keyEncipherment", "-keystore", ca.toString());

        // Assemble the chain and the trust store with the KeyStore API (keytool would need more round trips).
        try {
            KeyStore caStore = KeyStore.getInstance(ca.toFile(), PASSWORD.toCharArray());
            X509Certificate caCert = (X509Certificate) caStore.getCertificate("ca");
            X509Certificate serverCert;
            try (InputStream in = Files.newInputStream(serverCrt)) {
                serverCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore serverStore = KeyStore.getInstance(server.toFile(), PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) serverStore.getKey("server", PASSWORD.toCharArray());
            serverStore.setKeyEntry("server", key, PASSWORD.toCharArray(), new Certificate[] {serverCert, caCert});
            store(serverStore, server);

            Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
            KeyStore trust = KeyStore.getInstance(cacerts.toFile(), "changeit".toCharArray()); // the JDK's well-known default
            trust.setCertificateEntry(CA_ALIAS, caCert); // in memory only; the JDK's file is untouched
            Path trustStore = directory.resolve("truststore.p12");
            store(trust, trustStore);

            Path caPem = directory.resolve("ca.pem");
            Files.writeString(caPem, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            Files.delete(csr);
            Files.delete(serverCrt);
            return new TestCertificates(directory, server, trustStore, caPem, PASSWORD, List.of());
        } catch (GeneralSecurityException e) {
            throw new IOException("assembling test key stores failed", e);
        }
    }

    /** The same certificates, for servers that accept only these key-exchange groups (e.g. one without X25519). */
    public TestCertificates withServerGroups(String... groups) {
        return new TestCertificates(directory, keyStore, trustStore, caPem, password, List.of(groups));
    }

    /** For {@code HttpsServer}: the server key and chain. */
    public SSLContext serverContext() {
        try {
            var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(KeyStore.getInstance(keyStore.toFile(), password.toCharArray()), password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + keyStore, e);
        }
    }

    /** For clients: trusts the JDK's default roots plus the test CA. */
    public SSLContext clientContext() {
        try {
            var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(KeyStore.getInstance(trustStore.toFile(), password.toCharArray()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + trustStore, e);
        }
    }

    private static void store(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
        try (var out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
    }

    /** Runs the keytool of the running JDK. */
    private static void keytool(String[] common, String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(keytool) ? keytool.toString() : "keytool");
        command.addAll(List.of(args));
        command.addAll(List.of(common));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) throw new IOException("keytool " + args[0] + " failed: " + output.strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }

    /** Convenience for tests and LocalAws: create, wrapping IOException. */
    public static TestCertificates createUnchecked(Path directory) {
        try {
            return create(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
