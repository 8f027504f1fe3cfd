package dev.awsoidc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An OIDC issuer/runner token endpoint and an STS emulator wired together, for local runs of the action.
 * Prints the environment a caller needs ({@code KEY=VALUE} lines), then {@code READY}, then serves until
 * killed, or until stdin reaches EOF with {@code --until-stdin-closes}. No JUnit dependency.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:DEPS dev.awsoidc.testing.LocalAws
 *      [--port-oidc N] [--port-sts N] [--tls DIR] [--issuer URL] [--until-stdin-closes] [--verbose]
 *      [--throttle-fraction F] [--request-log FILE]
 * </pre>
 * {@code --throttle-fraction F}: STS answers Throttling to that share of its requests, at random (load tests).
 * {@code --request-log FILE}: one line per STS request, {@code <epoch µs> <Action> <RoleSessionName>}; no secret.
 */
public final class LocalAws implements AutoCloseable {
    public static final String ROLE_ARN = "arn:aws:iam::111122223333:role/deploy";
    public static final String AUDIENCE = "sts.amazonaws.com";
    public static final String SUB_PATTERN = "repo:octo-org/octo-repo:*";

    private final OidcIssuer oidc;
    private final StsEmulator sts;
    private final TestCertificates tls;

    /** Starts both servers; {@code tls} may be null (plain HTTP), {@code issuerUrl} null (the issuer's own URL). */
    public LocalAws(int oidcPort, int stsPort, TestCertificates tls, String issuerUrl) {
        this.tls = tls;
        oidc = OidcIssuer.builder().port(oidcPort).tls(tls).issuerUrl(issuerUrl).start();
        try {
            sts = StsEmulator.builder().port(stsPort).tls(tls).start();
        } catch (RuntimeException e) {
            oidc.close();
            throw e;
        }
        sts.registerProvider(oidc, AUDIENCE);
        sts.registerRole(ROLE_ARN, new StsEmulator.TrustPolicy(oidc.issuerUrl(), AUDIENCE, SUB_PATTERN));
    }

    public OidcIssuer oidc() { return oidc; }

    public StsEmulator sts() { return sts; }

    /** The variables a caller needs, in print order. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", oidc.tokenEndpointUrl());
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", oidc.requestToken());
        env.put("AWS_ENDPOINT_URL_STS", sts.endpointUrl());
        env.put("ROLE_ARN", ROLE_ARN);
        if (tls != null) {
            env.put("TRUST_STORE", tls.trustStore().toAbsolutePath().toString());
            env.put("TRUST_STORE_PASSWORD", tls.password());
            env.put("AWS_CA_BUNDLE", tls.caPem().toAbsolutePath().toString());
        }
        return env;
    }

    @Override
    public void close() {
        sts.close();
        oidc.close();
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int oidcPort = 0;
        int stsPort = 0;
        Path tlsDir = null;
        String issuer = null;
        boolean untilStdinCloses = false;
        boolean verbose = false;
        double throttleFraction = 0;
        Path requestLog = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port-oidc" -> oidcPort = Integer.parseInt(value(args, ++i));
                case "--port-sts" -> stsPort = Integer.parseInt(value(args, ++i));
                case "--tls" -> tlsDir = Path.of(value(args, ++i));
                case "--issuer" -> issuer = value(args, ++i);
                case "--until-stdin-closes" -> untilStdinCloses = true;
                case "--verbose" -> verbose = true;
                case "--throttle-fraction" -> throttleFraction = Double.parseDouble(value(args, ++i));
                case "--request-log" -> requestLog = Path.of(value(args, ++i));
                default -> {
                    System.err.println("unknown argument: " + args[i] + "\nusage: LocalAws [--port-oidc N] [--port-sts N] [--tls DIR]"
                            + " [--issuer URL] [--until-stdin-closes] [--verbose] [--throttle-fraction F] [--request-log FILE]");
                    System.exit(2);
                }
            }
        }
        var local = new LocalAws(oidcPort, stsPort, tlsDir == null ? null : TestCertificates.create(tlsDir), issuer);
        if (verbose) {
            // Redacted summaries only, on stderr: stdout is for the KEY=VALUE contract.
            local.oidc.onRequest(r -> System.err.println("[oidc] " + r));
            local.sts.onRequest(r -> System.err.println("[sts] " + r));
        }
        local.sts.throttleFraction(throttleFraction);
        if (requestLog != null) {
            // flushed per line: the log is read while the servers still run
            PrintStream log = new PrintStream(java.nio.file.Files.newOutputStream(requestLog), true, java.nio.charset.StandardCharsets.UTF_8);
            boolean alsoPrint = verbose;
            local.sts.onRequest(r -> {
                if (alsoPrint) System.err.println("[sts] " + r);
                java.time.Instant now = java.time.Instant.now();
                String line = (now.getEpochSecond() * 1_000_000 + now.getNano() / 1000) + " " + r.action() + " " + r.param("RoleSessionName");
                synchronized (log) {
                    log.println(line);
                }
            });
        }
        PrintStream out = System.out;
        local.environment().forEach((k, v) -> out.println(k + "=" + v));
        out.println("READY");
        out.flush();

        var stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            local.close();
            stop.countDown();
        }));
        if (untilStdinCloses) {
            InputStream in = System.in;
            while (in.read() >= 0) {
                // Only EOF matters.
            }
            System.exit(0); // the shutdown hook closes the servers
        }
        stop.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }
}
