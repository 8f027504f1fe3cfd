package dev.awsoidc.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A GitHub-Actions-shaped OIDC issuer and the runner's ID-token endpoint in one local server.
 *
 * <ul>
 *   <li>{@code GET /.well-known/openid-configuration} and {@code GET /.well-known/jwks}: discovery and keys.
 *   <li>{@code GET /token?api-version=2.0&audience=AUD} with {@code Authorization: Bearer <requestToken>}:
 *       {@code {"count":1,"value":"<jwt>"}}, what {@code ACTIONS_ID_TOKEN_REQUEST_URL} answers on a runner.
 * </ul>
 *
 * Token settings ({@code with*}) may be changed while running; they apply to tokens issued afterwards.
 */
public final class OidcIssuer implements AutoCloseable {
    public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private final LocalServer server;
    private final KeyPair keys;
    private final String keyId;
    private final String issuerUrl;
    private final Faults faults = new Faults();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> servedTokens = new CopyOnWriteArrayList<>();
    private final Map<String, Object> extraClaims = new ConcurrentHashMap<>();
    private volatile Consumer<RecordedRequest> onRequest = r -> {};

    private volatile String requestToken;
    private volatile String repository = "octo-org/octo-repo";
    private volatile String ref = "refs/heads/main";
    private volatile String eventName = "push";
    private volatile String subject; // null: derived like GitHub does
    private volatile String environment;
    private volatile Duration lifetime = DEFAULT_LIFETIME;

    private OidcIssuer(Builder b) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        keyId = HexFormat.of().formatHex(sha256(keys.getPublic().getEncoded()), 0, 16);
        requestToken = b.requestToken != null ? b.requestToken : randomToken();
        server = new LocalServer("oidc-issuer", b.port, b.tls, this::handle);
        issuerUrl = b.issuerUrl != null ? b.issuerUrl : server.baseUrl();
    }

    /** Starts on an ephemeral port over HTTP, issuer URL = its own base URL. */
    public static OidcIssuer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int port;
        private TestCertificates tls;
        private String issuerUrl;
        private String requestToken;

        public Builder port(int port) { this.port = port; return this; }

        /** Serve HTTPS with these certificates instead of HTTP. */
        public Builder tls(TestCertificates tls) { this.tls = tls; return this; }

        /** The {@code iss} claim, e.g. {@link #GITHUB_ISSUER}; default: this server's base URL. */
        public Builder issuerUrl(String issuerUrl) { this.issuerUrl = issuerUrl; return this; }

        /** The bearer token the token endpoint accepts; default: random. */
        public Builder requestToken(String requestToken) { this.requestToken = requestToken; return this; }

        public OidcIssuer start() {
            try {
                return new OidcIssuer(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- token settings ----

    /** Explicit {@code sub}; null restores the GitHub-derived default. */
    public OidcIssuer withSubject(String sub) { this.subject = sub; return this; }

    /** Deployment environment; also makes the default sub {@code repo:O/R:environment:NAME}. Null clears it. */
    public OidcIssuer withEnvironment(String name) { this.environment = name; return this; }

    /** {@code event_name}; {@code pull_request} makes the default sub {@code repo:O/R:pull_request}. */
    public OidcIssuer withEventName(String name) { this.eventName = Objects.requireNonNull(name); return this; }

    /** {@code owner/name}; drives repository, repository_owner, workflow refs and the default sub/audience. */
    public OidcIssuer withRepository(String ownerSlashName) { this.repository = Objects.requireNonNull(ownerSlashName); return this; }

    public OidcIssuer withRef(String ref) { this.ref = Objects.requireNonNull(ref); return this; }

    /** Adds or overrides any claim (even iss/aud/exp); a null value removes an extra claim. */
    public OidcIssuer withClaim(String name, Object value) {
        if (value == null) extraClaims.remove(name); else extraClaims.put(name, value);
        return this;
    }

    /** exp = iat + lifetime; a negative lifetime issues already-expired tokens. */
    public OidcIssuer withLifetime(Duration lifetime) { this.lifetime = Objects.requireNonNull(lifetime); return this; }

    public OidcIssuer withRequestToken(String token) { this.requestToken = Objects.requireNonNull(token); return this; }

    /** Called with every received request (toString is redacted, safe to print). */
    public OidcIssuer onRequest(Consumer<RecordedRequest> listener) { this.onRequest = Objects.requireNonNull(listener); return this; }

    // ---- faults on /token ----

    /** The next {@code times} token requests get this HTTP status and a small JSON body. */
    public OidcIssuer failNext(int status, int times) {
        faults.add(new Faults.Fail(status, null, "scripted failure " + status), times);
        return this;
    }

    /** The next token request waits this long, then is served normally. */
    public OidcIssuer delayNext(Duration delay) { faults.add(new Faults.Delay(delay), 1); return this; }

    /** The next token request has its connection closed without any response. */
    public OidcIssuer resetNext() { return resetNext(1); }

    /**
     * The next {@code times} token requests are dropped. JDK clients (HttpClient, HttpURLConnection) retry
     * an idempotent GET once after an empty reply, so use 2 to make a GET fail there.
     */
    public OidcIssuer resetNext(int times) { faults.add(new Faults.Reset(), times); return this; }

    public int pendingFaults() { return faults.pending(); }

    public void clearFaults() { faults.clear(); }

    // ---- accessors ----

    public String baseUrl() { return server.baseUrl(); }

    public int port() { return server.port(); }

    public String issuerUrl() { return issuerUrl; }

    /** What a runner puts in {@code ACTIONS_ID_TOKEN_REQUEST_URL}; clients append {@code &audience=...}. */
    public String tokenEndpointUrl() { return server.baseUrl() + "/token?api-version=2.0"; }

    /** What a runner puts in {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN}. */
    public String requestToken() { return requestToken; }

    public RSAPublicKey publicKey() { return (RSAPublicKey) keys.getPublic(); }

    public String keyId() { return keyId; }

    /** The JWKS document served at {@code /.well-known/jwks}. */
    public String jwks() {
        return Json.write(Map.of("keys", List.of(Jwt.jwk(publicKey(), keyId))));
    }

    /** The repository owner URL GitHub uses as the audience when none is requested. */
    public String defaultAudience() { return "https://github.com/" + owner(); }

    /** Requests received so far (all paths), oldest first. */
    public List<RecordedRequest> requests() { return List.copyOf(requests); }

    /** Every token the token endpoint handed out, so tests can check none was printed. */
    public List<String> servedTokens() { return List.copyOf(servedTokens); }

    public void clearRequests() { requests.clear(); }

    // ---- tokens ----

    /** Signs a token exactly as the token endpoint would; null audience means {@link #defaultAudience()}. */
    public String issueToken(String audience) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", keyId);
        header.put("typ", "JWT");
        return Jwt.signRs256(header, claims(audience), keys.getPrivate());
    }

    /** The claims the next token for this audience would carry (fresh jti/iat each call). */
    public Map<String, Object> claims(String audience) {
        long iat = Instant.now().getEpochSecond();
        String owner = owner();
        String workflowRef = repository + "/.github/workflows/deploy.yml@" + ref;
        String sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4";
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jti", UUID.randomUUID().toString());
        c.put("sub", subject());
        c.put("aud", audience == null || audience.isEmpty() ? defaultAudience() : audience);
        c.put("ref", ref);
        c.put("sha", sha);
        c.put("repository", repository);
        c.put("repository_owner", owner);
        c.put("repository_owner_id", "65432");
        c.put("run_id", "1234567890");
        c.put("run_number", "42");
        c.put("run_attempt", "1");
        c.put("repository_visibility", "private");
        c.put("repository_id", "123456789");
        c.put("actor_id", "1234");
        c.put("actor", "octocat");
        c.put("workflow", "deploy");
        c.put("head_ref", "");
        c.put("base_ref", "");
        c.put("event_name", eventName);
        c.put("ref_type", ref.startsWith("refs/tags/") ? "tag" : "branch");
        if (environment != null) c.put("environment", environment);
        c.put("workflow_ref", workflowRef);
        c.put("workflow_sha", sha);
        c.put("job_workflow_ref", workflowRef);
        c.put("job_workflow_sha", sha);
        c.put("runner_environment", "github-hosted");
        c.put("iss", issuerUrl);
        c.put("nbf", iat - 600);
        c.put("exp", iat + lifetime.toSeconds());
        c.put("iat", iat);
        c.putAll(extraClaims);
        return c;
    }

    private String subject() {
        if (subject != null) return subject;
        if (environment != null) return "repo:" + repository + ":environment:" + environment;
        if (eventName.equals("pull_request") || eventName.equals("pull_request_target")) return "repo:" + repository + ":pull_request";
        return "repo:" + repository + ":ref:" + ref;
    }

    private String owner() {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        var request = RecordedRequest.of(exchange, LocalServer.decodeForm(exchange.getRequestURI().getRawQuery()));
        requests.add(request);
        onRequest.accept(request);
        String path = request.path();
        switch (path) {
            case "/.well-known/openid-configuration" -> LocalServer.send(exchange, 200, "application/json", discovery());
            case "/.well-known/jwks" -> LocalServer.send(exchange, 200, "application/json", jwks());
            case "/token" -> token(exchange, request);
            default -> LocalServer.send(exchange, 404, "application/json", "{\"message\":\"Not Found\"}");
        }
    }

    private void token(HttpExchange exchange, RecordedRequest request) throws IOException {
        switch (faults.poll()) {
            case null -> {}
            case Faults.Fail f -> {
                LocalServer.send(exchange, f.status(), "application/json", Json.write(Map.of("message", f.message())));
                return;
            }
            case Faults.Delay d -> sleep(d.duration());
            case Faults.Reset r -> {
                LocalServer.reset(exchange);
                return;
            }
        }
        if (!request.method().equals("GET")) {
            LocalServer.send(exchange, 405, "application/json", "{\"message\":\"Method Not Allowed\"}");
            return;
        }
        String authorization = request.header("Authorization");
        String expected = "Bearer " + requestToken;
        if (authorization == null || !MessageDigest.isEqual(
                authorization.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            LocalServer.send(exchange, 401, "application/json", "{\"message\":\"Bad credentials\"}");
            return;
        }
        String jwt = issueToken(request.param("audience"));
        servedTokens.add(jwt);
        LocalServer.send(exchange, 200, "application/json", Json.write(Map.of("count", 1, "value", jwt)));
    }

    private String discovery() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuerUrl);
        // The keys are always fetchable here, even when iss is set to GitHub's URL.
        d.put("jwks_uri", server.baseUrl() + "/.well-known/jwks");
        d.put("subject_types_supported", List.of("public", "pairwise"));
        d.put("response_types_supported", List.of("id_token"));
        d.put("claims_supported", List.of("sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository",
                "repository_id", "repository_owner", "repository_owner_id", "run_id", "run_number", "run_attempt",
                "actor", "actor_id", "workflow", "workflow_ref", "workflow_sha", "head_ref", "base_ref", "event_name",
                "ref_type", "environment", "job_workflow_ref", "job_workflow_sha", "repository_visibility", "runner_environment"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("scopes_supported", List.of("openid"));
        return Json.write(d);
    }

    @Override
    public void close() {
        server.close();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
