package dev.awsoidc.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * AWS STS's Query API (awsQuery, Version 2011-06-15) for one emulated account: AssumeRoleWithWebIdentity
 * against registered OIDC providers and roles, and SigV4-verified GetCallerIdentity for the sessions it
 * issued. Responses and errors use STS's XML, status codes, error codes and messages.
 */
public final class StsEmulator implements AutoCloseable {
    public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    public static final String VERSION = "2011-06-15";
    public static final String DEFAULT_ACCOUNT = "111122223333";
    public static final Duration DEFAULT_MAX_SESSION = Duration.ofHours(1);

    /**
     * A trust-policy statement for {@code sts:AssumeRoleWithWebIdentity}: Federated principal = the provider
     * for {@code issuer}, {@code StringEquals <provider>:aud} and {@code StringLike <provider>:sub}
     * ({@code *} and {@code ?} wildcards). A null audience or subPattern leaves that condition out.
     */
    public record TrustPolicy(String issuer, String audience, String subPattern) {
        public TrustPolicy {
            Objects.requireNonNull(issuer);
        }
    }

    /** Credentials the emulator issued. toString never shows the secret or the session token. */
    public record Session(String accessKeyId, String secretAccessKey, String sessionToken, String assumedRoleArn,
                          String assumedRoleId, String account, Instant expiration) {
        @Override
        public String toString() {
            return "Session[" + accessKeyId + " " + assumedRoleArn + " until " + expiration + "]";
        }
    }

    private record Provider(Map<String, PublicKey> keysByKid, List<String> clientIds) {}

    private record Role(String arn, String name, String roleId, Duration maxSession, List<TrustPolicy> trust) {}

    /** An STS error: HTTP status, {@code <Type>}, {@code <Code>}, {@code <Message>}. */
    private static final class StsError extends Exception {
        final int status;
        final String code;

        StsError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/(?:[\\x21-\\x7e]*/)?([\\w+=,.@-]+)");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String BAD_TOKEN = "The web identity token that was passed could not be validated by AWS."
            + " Get a new identity token from the identity provider and then retry the request.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LocalServer server;
    private final String accountId;
    private final Faults faults = new Faults();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Provider> providers = new ConcurrentHashMap<>(); // by issuer without scheme
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private volatile Consumer<RecordedRequest> onRequest = r -> {};

    private StsEmulator(Builder b) throws IOException {
        accountId = b.accountId;
        server = new LocalServer("sts-emulator", b.port, b.tls, this::handle);
    }

    /** Starts on an ephemeral port over HTTP with account {@value #DEFAULT_ACCOUNT}. */
    public static StsEmulator start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int port;
        private TestCertificates tls;
        private String accountId = DEFAULT_ACCOUNT;

        public Builder port(int port) { this.port = port; return this; }

        public Builder tls(TestCertificates tls) { this.tls = tls; return this; }

        public Builder accountId(String accountId) { this.accountId = accountId; return this; }

        public StsEmulator start() {
            try {
                return new StsEmulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- account setup ----

    /** Registers an IAM OIDC provider whose tokens are checked with this key (any kid). */
    public StsEmulator registerProvider(String issuerUrl, PublicKey key, List<String> clientIds) {
        providers.put(issuerKey(issuerUrl), new Provider(Map.of("*", key), List.copyOf(clientIds)));
        return this;
    }

    /** Registers an IAM OIDC provider with its JWKS document (keys looked up by kid). */
    public StsEmulator registerProvider(String issuerUrl, String jwksJson, List<String> clientIds) {
        providers.put(issuerKey(issuerUrl), new Provider(Map.copyOf(Jwt.parseJwks(jwksJson)), List.copyOf(clientIds)));
        return this;
    }

    /** Registers {@code issuer}'s URL and JWKS as a provider with these client IDs (audiences). */
    public StsEmulator registerProvider(OidcIssuer issuer, String... clientIds) {
        return registerProvider(issuer.issuerUrl(), issuer.jwks(), List.of(clientIds));
    }

    public StsEmulator registerRole(String roleArn, TrustPolicy... trust) {
        return registerRole(roleArn, DEFAULT_MAX_SESSION, trust);
    }

    /** Registers a role with its MaxSessionDuration and trust statements (any one must match). */
    public StsEmulator registerRole(String roleArn, Duration maxSessionDuration, TrustPolicy... trust) {
        var m = ROLE_ARN.matcher(roleArn);
        if (!m.matches()) throw new IllegalArgumentException("not a role ARN: " + roleArn);
        roles.put(roleArn, new Role(roleArn, m.group(2), "AROA" + random(17), maxSessionDuration, List.of(trust)));
        return this;
    }

    /** Moves a session's expiration into the past, so GetCallerIdentity answers ExpiredToken. */
    public void expireSession(String accessKeyId) {
        sessions.computeIfPresent(accessKeyId, (k, s) -> new Session(s.accessKeyId(), s.secretAccessKey(), s.sessionToken(),
                s.assumedRoleArn(), s.assumedRoleId(), s.account(), Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS)));
    }

    public Optional<Session> session(String accessKeyId) { return Optional.ofNullable(sessions.get(accessKeyId)); }

    public List<Session> sessions() { return List.copyOf(sessions.values()); }

    // ---- faults, consumed one per request ----

    /** The next {@code times} requests get this status and error code (5xx are {@code Receiver} errors). */
    public StsEmulator failNext(int status, String code, int times) {
        String message = switch (code) {
            case "ServiceUnavailable" -> "Service is unable to handle request.";
            case "InternalFailure" -> "An internal error occurred.";
            default -> "Scripted failure.";
        };
        faults.add(new Faults.Fail(status, code, message), times);
        return this;
    }

    public StsEmulator throttleNext(int times) {
        faults.add(new Faults.Fail(400, "Throttling", "Rate exceeded"), times);
        return this;
    }

    public StsEmulator idpCommunicationErrorNext(int times) {
        faults.add(new Faults.Fail(400, "IDPCommunicationError", "The request could not be fulfilled because the identity provider (IDP)"
                + " that was asked to verify the incoming identity token could not be reached."), times);
        return this;
    }

    public StsEmulator delayNext(Duration delay) { faults.add(new Faults.Delay(delay), 1); return this; }

    /** The next request has its connection closed without any response. */
    public StsEmulator resetNext() { return resetNext(1); }

    public StsEmulator resetNext(int times) { faults.add(new Faults.Reset(), times); return this; }

    public int pendingFaults() { return faults.pending(); }

    public void clearFaults() { faults.clear(); }

    // ---- accessors ----

    /** For {@code AWS_ENDPOINT_URL_STS} / an SDK endpoint override. */
    public String endpointUrl() { return server.baseUrl(); }

    public int port() { return server.port(); }

    public String accountId() { return accountId; }

    public List<RecordedRequest> requests() { return List.copyOf(requests); }

    public void clearRequests() { requests.clear(); }

    /** Called with every received request (toString is redacted, safe to print). */
    public StsEmulator onRequest(Consumer<RecordedRequest> listener) { this.onRequest = Objects.requireNonNull(listener); return this; }

    @Override
    public void close() {
        server.close();
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        var params = LocalServer.decodeForm(exchange.getRequestURI().getRawQuery());
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            params.putAll(LocalServer.decodeForm(new String(body, StandardCharsets.UTF_8)));
        }
        var request = RecordedRequest.of(exchange, params);
        requests.add(request);
        onRequest.accept(request);

        String requestId = UUID.randomUUID().toString();
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        switch (faults.poll()) {
            case null -> {}
            case Faults.Fail f -> {
                sendError(exchange, requestId, new StsError(f.status(), f.code(), f.message()));
                return;
            }
            case Faults.Delay d -> OidcIssuer.sleep(d.duration());
            case Faults.Reset r -> {
                LocalServer.reset(exchange);
                return;
            }
        }
        try {
            String action = request.action();
            String xml = switch (action == null ? "" : action) {
                case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(request);
                case "GetCallerIdentity" -> getCallerIdentity(exchange, request, body);
                default -> throw new StsError(400, "InvalidAction", "Could not find operation " + action + " for version " + VERSION);
            };
            LocalServer.send(exchange, 200, "text/xml", "<" + action + "Response xmlns=\"" + NAMESPACE + "\">\n  <" + action + "Result>\n"
                    + xml + "  </" + action + "Result>\n  <ResponseMetadata>\n    <RequestId>" + requestId
                    + "</RequestId>\n  </ResponseMetadata>\n</" + action + "Response>\n");
        } catch (StsError e) {
            sendError(exchange, requestId, e);
        }
    }

    private static void sendError(HttpExchange exchange, String requestId, StsError e) throws IOException {
        String type = e.status >= 500 ? "Receiver" : "Sender";
        LocalServer.send(exchange, e.status, "text/xml", "<ErrorResponse xmlns=\"" + NAMESPACE + "\">\n  <Error>\n    <Type>" + type
                + "</Type>\n    <Code>" + xml(e.code) + "</Code>\n    <Message>" + xml(e.getMessage())
                + "</Message>\n  </Error>\n  <RequestId>" + requestId + "</RequestId>\n</ErrorResponse>\n");
    }

    // ---- AssumeRoleWithWebIdentity ----

    private String assumeRoleWithWebIdentity(RecordedRequest request) throws StsError {
        String roleArn = request.param("RoleArn");
        String sessionName = request.param("RoleSessionName");
        String token = request.param("WebIdentityToken");
        String policy = request.param("Policy");
        long duration = validate(roleArn, sessionName, token, request.param("DurationSeconds"), policy);
        int policyArns = 0;
        while (request.param("PolicyArns.member." + (policyArns + 1) + ".arn") != null) policyArns++;

        Map<String, Object> claims = verifyToken(token);
        String iss = (String) claims.get("iss");
        String sub = String.valueOf(claims.get("sub"));
        List<String> audiences = audiences(claims.get("aud"));

        Role role = roles.get(roleArn);
        if (role == null || role.trust().stream().noneMatch(t -> trusts(t, iss, audiences, sub))) {
            throw new StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        if (duration > role.maxSession().toSeconds()) {
            throw new StsError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        var m = ROLE_ARN.matcher(roleArn);
        m.matches();
        String account = m.group(1);
        String partition = roleArn.substring(4, roleArn.indexOf(':', 4));
        Session session = new Session("ASIA" + random(16), secretAccessKey(), sessionToken(),
                "arn:" + partition + ":sts::" + account + ":assumed-role/" + role.name() + "/" + sessionName,
                role.roleId() + ":" + sessionName, account, Instant.now().plusSeconds(duration).truncatedTo(ChronoUnit.SECONDS));
        sessions.put(session.accessKeyId(), session);

        String audience = provider(iss).clientIds().stream().filter(audiences::contains).findFirst().orElseThrow();
        String packed = policy == null && policyArns == 0 ? ""
                : "    <PackedPolicySize>" + Math.max(1, ((policy == null ? 0 : policy.replaceAll("\\s", "").length()) + 64 * policyArns) * 100 / 2048)
                + "</PackedPolicySize>\n";
        return "    <SubjectFromWebIdentityToken>" + xml(sub) + "</SubjectFromWebIdentityToken>\n"
                + "    <Audience>" + xml(audience) + "</Audience>\n"
                + "    <AssumedRoleUser>\n      <Arn>" + xml(session.assumedRoleArn()) + "</Arn>\n"
                + "      <AssumedRoleId>" + xml(session.assumedRoleId()) + "</AssumedRoleId>\n    </AssumedRoleUser>\n"
                + "    <Credentials>\n      <AccessKeyId>" + session.accessKeyId() + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + xml(session.secretAccessKey()) + "</SecretAccessKey>\n"
                + "      <SessionToken>" + xml(session.sessionToken()) + "</SessionToken>\n"
                + "      <Expiration>" + session.expiration() + "</Expiration>\n    </Credentials>\n"
                + packed
                + "    <Provider>" + xml(issuerKey(iss)) + "</Provider>\n";
    }

    /** Parameter constraints as STS's model states them, reported the way STS words them; returns DurationSeconds. */
    private static long validate(String roleArn, String sessionName, String token, String durationParam, String policy) throws StsError {
        List<String> errors = new ArrayList<>();
        if (roleArn == null) errors.add(constraint(null, "roleArn", "Member must not be null"));
        else if (roleArn.length() < 20) errors.add(constraint(roleArn, "roleArn", "Member must have length greater than or equal to 20"));
        else if (roleArn.length() > 2048) errors.add(constraint(roleArn, "roleArn", "Member must have length less than or equal to 2048"));
        if (sessionName == null) errors.add(constraint(null, "roleSessionName", "Member must not be null"));
        else {
            if (sessionName.length() < 2) errors.add(constraint(sessionName, "roleSessionName", "Member must have length greater than or equal to 2"));
            if (sessionName.length() > 64) errors.add(constraint(sessionName, "roleSessionName", "Member must have length less than or equal to 64"));
            if (!SESSION_NAME.matcher(sessionName).matches()) {
                errors.add(constraint(sessionName, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*"));
            }
        }
        // STS leaves sensitive values (the token) out of its validation messages.
        if (token == null) errors.add(constraint(null, "webIdentityToken", "Member must not be null"));
        else if (token.length() < 4) errors.add("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4");
        else if (token.length() > 20000) errors.add("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000");
        long duration = DEFAULT_MAX_SESSION.toSeconds();
        if (durationParam != null) {
            try {
                duration = Long.parseLong(durationParam.trim());
            } catch (NumberFormatException e) {
                throw new StsError(400, "MalformedInput", "Invalid value for parameter DurationSeconds");
            }
            if (duration < 900) errors.add(constraint(durationParam, "durationSeconds", "Member must have value greater than or equal to 900"));
            if (duration > 43200) errors.add(constraint(durationParam, "durationSeconds", "Member must have value less than or equal to 43200"));
        }
        if (policy != null && policy.length() > 2048) {
            errors.add(constraint(policy, "policy", "Member must have length less than or equal to 2048"));
        }
        if (!errors.isEmpty()) {
            throw new StsError(400, "ValidationError", errors.size() + " validation error" + (errors.size() == 1 ? "" : "s")
                    + " detected: " + String.join("; ", errors));
        }
        if (!ROLE_ARN.matcher(roleArn).matches()) throw new StsError(400, "ValidationError", "Request ARN is invalid");
        if (policy != null) {
            try {
                Json.parse(policy);
            } catch (IOException e) {
                // STS parses session policies with Jackson too; its message is the parser's.
                throw new StsError(400, "MalformedPolicyDocument", e.getMessage());
            }
        }
        return duration;
    }

    private static String constraint(String value, String member, String rule) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + member + "' failed to satisfy constraint: " + rule;
    }

    /** Provider lookup, signature, expiry and audience, in that order. Returns the verified claims. */
    private Map<String, Object> verifyToken(String token) throws StsError {
        Jwt.Decoded jwt;
        try {
            jwt = Jwt.decode(token);
        } catch (IllegalArgumentException e) {
            throw new StsError(400, "InvalidIdentityToken", BAD_TOKEN);
        }
        if (!(jwt.claims().get("iss") instanceof String iss)) throw new StsError(400, "InvalidIdentityToken", BAD_TOKEN);
        Provider provider = provider(iss);
        if (provider == null) throw new StsError(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + iss);
        PublicKey key = provider.keysByKid().getOrDefault("*", provider.keysByKid().get(String.valueOf(jwt.header().get("kid"))));
        if (key == null) {
            throw new StsError(400, "InvalidIdentityToken",
                    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
        }
        if (!"RS256".equals(jwt.header().get("alg")) || !Jwt.verifyRs256(jwt, key)) {
            throw new StsError(400, "InvalidIdentityToken", BAD_TOKEN);
        }
        long now = Instant.now().getEpochSecond();
        if (!(jwt.claims().get("exp") instanceof Number exp)) throw new StsError(400, "InvalidIdentityToken", BAD_TOKEN);
        if (now >= exp.longValue()) {
            throw new StsError(400, "ExpiredTokenException",
                    "Token expired: current date/time " + now + " must be before the expiration date/time " + exp.longValue());
        }
        if (audiences(jwt.claims().get("aud")).stream().noneMatch(provider.clientIds()::contains)) {
            throw new StsError(400, "InvalidIdentityToken", "Incorrect token audience");
        }
        return jwt.claims();
    }

    private Provider provider(String iss) {
        return providers.get(issuerKey(iss));
    }

    private static boolean trusts(TrustPolicy t, String iss, List<String> audiences, String sub) {
        return issuerKey(t.issuer()).equals(issuerKey(iss))
                && (t.audience() == null || audiences.contains(t.audience()))
                && (t.subPattern() == null || glob(t.subPattern()).matcher(sub).matches());
    }

    /** IAM's StringLike: '*' any run of characters, '?' exactly one, everything else literal. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static List<String> audiences(Object aud) {
        if (aud instanceof String s) return List.of(s);
        if (aud instanceof List<?> list) return list.stream().map(String::valueOf).toList();
        return List.of();
    }

    /** IAM names an OIDC provider by its URL without the scheme (and without a trailing slash). */
    private static String issuerKey(String url) {
        String s = url.replaceFirst("^https?://", "");
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // ---- GetCallerIdentity ----

    private String getCallerIdentity(HttpExchange exchange, RecordedRequest request, byte[] body) throws StsError {
        Session session = authenticate(exchange, request, body);
        return "    <Arn>" + xml(session.assumedRoleArn()) + "</Arn>\n    <UserId>" + xml(session.assumedRoleId())
                + "</UserId>\n    <Account>" + session.account() + "</Account>\n";
    }

    /** SigV4 header authentication against the sessions this emulator issued. */
    private Session authenticate(HttpExchange exchange, RecordedRequest request, byte[] body) throws StsError {
        String header = request.header("Authorization");
        if (header == null) throw new StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        SigV4.Authorization auth;
        try {
            auth = SigV4.parse(header);
        } catch (IllegalArgumentException e) {
            throw new StsError(400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
        }
        Session session = sessions.get(auth.accessKeyId());
        String token = request.header("X-Amz-Security-Token");
        if (session == null || token == null || !MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), session.sessionToken().getBytes(StandardCharsets.UTF_8))) {
            throw new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        if (!auth.service().equals("sts")) {
            throw new StsError(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ");
        }
        String amzDate = request.header("X-Amz-Date");
        Instant signedAt;
        try {
            signedAt = AMZ_DATE.parse(amzDate, Instant::from);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new StsError(400, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!amzDate.startsWith(auth.date())) {
            throw new StsError(403, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + auth.date() + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        Instant now = Instant.now();
        if (signedAt.isBefore(now.minus(Duration.ofMinutes(15))) || signedAt.isAfter(now.plus(Duration.ofMinutes(15)))) {
            boolean old = signedAt.isBefore(now);
            throw new StsError(403, "SignatureDoesNotMatch", "Signature " + (old ? "expired: " : "not yet current: ") + amzDate
                    + (old ? " is now earlier than " : " is still later than ") + AMZ_DATE.format(old ? now.minus(Duration.ofMinutes(15)) : now.plus(Duration.ofMinutes(15)))
                    + " (" + AMZ_DATE.format(now) + (old ? " - 15 min.)" : " + 15 min.)"));
        }
        String canonical = SigV4.canonicalRequest(request.method(), exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                auth.signedHeaders(), name -> exchange.getRequestHeaders().get(name), body);
        String expected = SigV4.signature(session.secretAccessKey(), amzDate, auth.scope(), canonical);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw new StsError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
                    + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        if (!now.isBefore(session.expiration())) {
            throw new StsError(400, "ExpiredToken", "The security token included in the request is expired");
        }
        return session;
    }

    // ---- credentials and XML ----

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) s.append(BASE32.charAt(RANDOM.nextInt(BASE32.length())));
        return s.toString();
    }

    // 40 base64 characters; insist on '+' and '/' so callers' escaping gets exercised every time.
    private static String secretAccessKey() {
        byte[] bytes = new byte[30];
        String secret;
        do {
            RANDOM.nextBytes(bytes);
            secret = Base64.getEncoder().encodeToString(bytes);
        } while (secret.indexOf('+') < 0 || secret.indexOf('/') < 0);
        return secret;
    }

    // Real session tokens are long base64 blobs starting "IQoJb3JpZ2luX2Vj" and often ending in '='.
    private static String sessionToken() {
        byte[] bytes = new byte[640];
        RANDOM.nextBytes(bytes);
        return "IQoJb3JpZ2luX2Vj" + Base64.getEncoder().encodeToString(bytes);
    }

    static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
