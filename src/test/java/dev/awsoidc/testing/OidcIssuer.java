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
 * An OIDC issuer and the runner's ID-token endpoint in one local server. Tokens have GitHub Actions' claim
 * shape by default, or GitLab CI's or an Amazon Cognito user pool's ({@link Shape}; {@link #gitlab()},
 * {@link #cognito(String, String)}).
 *
 * <ul>
 *   <li>{@code GET /.well-known/openid-configuration} and the JWKS at {@code /.well-known/jwks} (GitHub),
 *       {@code /oauth/discovery/keys} (GitLab) and {@code /.well-known/jwks.json} (Cognito): discovery and keys.
 *   <li>{@code GET /token?api-version=2.0&audience=AUD} with {@code Authorization: Bearer <requestToken>}:
 *       {@code {"count":1,"value":"<jwt>"}}, what {@code ACTIONS_ID_TOKEN_REQUEST_URL} answers on a runner.
 * </ul>
 *
 * Token settings ({@code with*}) may be changed while running; they apply to tokens issued afterwards.
 */
public final class OidcIssuer implements AutoCloseable {
    public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
    public static final String GITLAB_ISSUER = "https://gitlab.com";
    /** The app client id Cognito-shaped tokens carry as {@code aud} when none is asked for. */
    public static final String COGNITO_CLIENT_ID = "1example23456789abcdefghij";

    /** Whose claim shape the tokens have. */
    public enum Shape {
        /** GitHub Actions: sub {@code repo:O/R:ref:refs/heads/main}, repository, job_workflow_ref, ... */
        GITHUB,
        /** GitLab CI: sub {@code project_path:G/P:ref_type:branch:ref:main}, namespace_path, project_path, pipeline_id, ... */
        GITLAB,
        /** Amazon Cognito user-pool ID token: sub a UUID, aud the app client id, token_use id, cognito:username, email. */
        COGNITO
    }
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private final LocalServer server;
    private final KeyPair keys;
    private final String keyId;
    private final String issuerUrl;
    private final Shape shape;
    private final String cognitoSub = UUID.randomUUID().toString();
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
        shape = b.shape;
        if (shape == Shape.GITLAB) repository = "my-group/my-project";
    }

    /** Starts on an ephemeral port over HTTP, issuer URL = its own base URL. */
    public static OidcIssuer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A GitLab.com-shaped issuer ({@value #GITLAB_ISSUER}), project {@code my-group/my-project}, ref main. */
    public static OidcIssuer gitlab() {
        return gitlab(GITLAB_ISSUER);
    }

    /** A self-managed GitLab issuer, e.g. {@code https://gitlab.example.com}. */
    public static OidcIssuer gitlab(String issuerUrl) {
        return builder().shape(Shape.GITLAB).issuerUrl(issuerUrl).start();
    }

    /** An Amazon Cognito user pool's issuer, {@code https://cognito-idp.REGION.amazonaws.com/POOL_ID}. */
    public static OidcIssuer cognito(String region, String userPoolId) {
        return builder().shape(Shape.COGNITO).issuerUrl("https://cognito-idp." + region + ".amazonaws.com/" + userPoolId).start();
    }

    public static final class Builder {
        private int port;
        private TestCertificates tls;
        private String issuerUrl;
        private String requestToken;
        private Shape shape = Shape.GITHUB;

        /** The tokens' claim shape; default {@link Shape#GITHUB}. */
        public Builder shape(Shape shape) { this.shape = Objects.requireNonNull(shape); return this; }

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

    /**
     * {@code owner/name}; drives repository, repository_owner, workflow refs and the default sub/audience.
     * For GitLab: the project path {@code group[/subgroup]/project}.
     */
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
     * The next token request gets exactly this reply, e.g. {@code (200, "application/json", "{}")} (no value),
     * {@code (502, "text/html", "<html>...")}, or an empty body. A null content type sends none.
     */
    public OidcIssuer replyNext(int status, String contentType, String body) {
        faults.add(new Faults.Raw(status, contentType, Objects.requireNonNull(body)), 1);
        return this;
    }

    /** The next token request is read and never answered (until {@link #close()}); clients need a read timeout. */
    public OidcIssuer hangNext() { faults.add(new Faults.Hang(), 1); return this; }

    /** The next token request is served normally, but the connection drops halfway through the body. */
    public OidcIssuer resetMidBodyNext() { faults.add(new Faults.Truncate(0.5), 1); return this; }

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

    public Shape shape() { return shape; }

    /** The JWKS document served at {@code /.well-known/jwks} (and GitLab's and Cognito's paths). */
    public String jwks() {
        return Json.write(Map.of("keys", List.of(Jwt.jwk(publicKey(), keyId))));
    }

    /**
     * The audience when none is requested: GitHub's repository owner URL, GitLab's issuer URL (what GitLab
     * documents for {@code id_tokens: aud}), or {@link #COGNITO_CLIENT_ID}.
     */
    public String defaultAudience() {
        return switch (shape) {
            case GITHUB -> "https://github.com/" + owner();
            case GITLAB -> issuerUrl;
            case COGNITO -> COGNITO_CLIENT_ID;
        };
    }

    /** Requests received so far (all paths), oldest first. */
    public List<RecordedRequest> requests() { return List.copyOf(requests); }

    /** Every token the token endpoint handed out, so tests can check none was printed. */
    public List<String> servedTokens() { return List.copyOf(servedTokens); }

    public void clearRequests() { requests.clear(); }

    // ---- tokens ----

    /** Signs a token exactly as the token endpoint would; null audience means {@link #defaultAudience()}. */
    public String issueToken(String audience) {
        return sign(claims(audience));
    }

    /**
     * Starts a token minted directly (no HTTP) from the current settings: {@code issuer.newToken().audience("x")
     * .subject("y").claim("k", v).lifetime(d).signed()}; {@code withoutExpiry()} and {@code algNone()} make
     * tokens for negative tests.
     */
    public TokenBuilder newToken() { return new TokenBuilder(); }

    /** One token: the issuer's claims for an audience, then these changes. */
    public final class TokenBuilder {
        private String audience;
        private Duration tokenLifetime;
        private final Map<String, Object> changes = new LinkedHashMap<>(); // a null value removes the claim

        private TokenBuilder() {}

        /** {@code aud}; null means {@link #defaultAudience()}. */
        public TokenBuilder audience(String audience) { this.audience = audience; return this; }

        public TokenBuilder subject(String sub) { return claim("sub", sub); }

        /** Adds or overrides a claim (any value Json can write: strings, numbers, booleans, lists, maps); null removes it. */
        public TokenBuilder claim(String name, Object value) { changes.put(name, value); return this; }

        /** exp = iat + lifetime for this token (negative: already expired). */
        public TokenBuilder lifetime(Duration lifetime) { this.tokenLifetime = Objects.requireNonNull(lifetime); return this; }

        /** Leaves {@code exp} out. */
        public TokenBuilder withoutExpiry() { return claim("exp", null); }

        /** The claims this token carries. */
        public Map<String, Object> claims() {
            Map<String, Object> c = OidcIssuer.this.claims(audience);
            if (tokenLifetime != null) c.put("exp", ((Number) c.get("iat")).longValue() + tokenLifetime.toSeconds());
            changes.forEach((k, v) -> {
                if (v == null) c.remove(k); else c.put(k, v);
            });
            return c;
        }

        /** Signed RS256 with this issuer's key (kid in the header), as the token endpoint would. */
        public String signed() { return sign(claims()); }

        /** An unsecured token: header {@code {"alg":"none"}}, empty signature. */
        public String algNone() { return Jwt.unsecured(claims()); }
    }

    private String sign(Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", keyId);
        header.put("typ", "JWT");
        return Jwt.signRs256(header, claims, keys.getPrivate());
    }

    /** The claims the next token for this audience would carry, in this issuer's shape (fresh jti/iat each call). */
    public Map<String, Object> claims(String audience) {
        Map<String, Object> c = switch (shape) {
            case GITHUB -> githubClaims(audience);
            case GITLAB -> gitlabClaims(audience);
            case COGNITO -> cognitoClaims(audience);
        };
        c.putAll(extraClaims);
        return c;
    }

    private Map<String, Object> gitlabClaims(String audience) {
        long iat = Instant.now().getEpochSecond();
        String refType = ref.startsWith("refs/tags/") ? "tag" : "branch";
        String refName = ref.replaceFirst("^refs/(heads|tags)/", "");
        String refPath = ref.startsWith("refs/") ? ref : "refs/heads/" + ref;
        String namespace = repository.contains("/") ? repository.substring(0, repository.lastIndexOf('/')) : repository;
        String sha = "714a629c0b401fdce83e847fc9589983fc6f46bc";
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("namespace_id", "72");
        c.put("namespace_path", namespace);
        c.put("project_id", "20");
        c.put("project_path", repository);
        c.put("user_id", "1");
        c.put("user_login", "sample-user");
        c.put("user_email", "sample-user@example.com");
        c.put("user_access_level", "developer");
        c.put("pipeline_id", "574");
        c.put("pipeline_source", eventName);
        c.put("job_id", "302");
        c.put("ref", refName);
        c.put("ref_type", refType);
        c.put("ref_path", refPath);
        c.put("ref_protected", "true");
        if (environment != null) {
            c.put("environment", environment);
            c.put("environment_protected", "false");
            c.put("deployment_tier", "production".equals(environment) ? "production" : "other");
            c.put("environment_action", "start");
        }
        c.put("runner_id", 1);
        c.put("runner_environment", "gitlab-hosted");
        c.put("sha", sha);
        c.put("project_visibility", "private");
        c.put("ci_config_ref_uri", issuerKeyOf(issuerUrl) + "/" + repository + "//.gitlab-ci.yml@" + refPath);
        c.put("ci_config_sha", sha);
        c.put("jti", UUID.randomUUID().toString());
        c.put("iss", issuerUrl);
        c.put("iat", iat);
        c.put("nbf", iat - 5);
        c.put("exp", iat + lifetime.toSeconds());
        c.put("sub", subject != null ? subject : "project_path:" + repository + ":ref_type:" + refType + ":ref:" + refName);
        c.put("aud", audience == null || audience.isEmpty() ? defaultAudience() : audience);
        return c;
    }

    private Map<String, Object> cognitoClaims(String audience) {
        long iat = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", subject != null ? subject : cognitoSub);
        c.put("email_verified", true);
        c.put("iss", issuerUrl);
        c.put("cognito:username", "octocat");
        c.put("origin_jti", UUID.randomUUID().toString());
        c.put("aud", audience == null || audience.isEmpty() ? defaultAudience() : audience);
        c.put("event_id", UUID.randomUUID().toString());
        c.put("token_use", "id");
        c.put("auth_time", iat);
        c.put("exp", iat + lifetime.toSeconds());
        c.put("iat", iat);
        c.put("jti", UUID.randomUUID().toString());
        c.put("email", "octocat@example.com");
        return c;
    }

    private static String issuerKeyOf(String url) {
        return url.replaceFirst("^https?://", "").replaceFirst("/$", "");
    }

    private Map<String, Object> githubClaims(String audience) {
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
            case "/.well-known/jwks", "/oauth/discovery/keys", "/.well-known/jwks.json" ->
                    LocalServer.send(exchange, 200, "application/json", jwks());
            case "/token" -> token(exchange, request);
            default -> LocalServer.send(exchange, 404, "application/json", "{\"message\":\"Not Found\"}");
        }
    }

    private void token(HttpExchange exchange, RecordedRequest request) throws IOException {
        Faults.Fault fault = faults.poll();
        if (fault instanceof Faults.Fail f) {
            LocalServer.send(exchange, f.status(), "application/json", Json.write(Map.of("message", f.message())));
            return;
        }
        if (Faults.answered(fault, exchange)) return;
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
        String body = Json.write(Map.of("count", 1, "value", jwt));
        if (fault instanceof Faults.Truncate t) {
            LocalServer.sendTruncated(exchange, 200, "application/json", body, t.fraction());
        } else {
            LocalServer.send(exchange, 200, "application/json", body);
        }
    }

    private String discovery() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuerUrl);
        // The keys are always fetchable here, even when iss is set to GitHub's URL.
        d.put("jwks_uri", server.baseUrl() + switch (shape) {
            case GITHUB -> "/.well-known/jwks";
            case GITLAB -> "/oauth/discovery/keys";
            case COGNITO -> "/.well-known/jwks.json";
        });
        d.put("subject_types_supported", List.of("public", "pairwise"));
        d.put("response_types_supported", List.of("id_token"));
        d.put("claims_supported", shape != Shape.GITHUB ? List.copyOf(claims(null).keySet()) : List.of("sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository",
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
