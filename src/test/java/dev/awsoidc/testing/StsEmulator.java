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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * AWS STS's Query API (awsQuery, Version 2011-06-15) for one emulated account: AssumeRoleWithWebIdentity
 * against registered OIDC providers, SigV4-signed AssumeRole and GetCallerIdentity for registered IAM users
 * and the sessions it issued, and IAM-evaluated trust policies per role. Responses and errors use STS's XML,
 * status codes, error codes and messages.
 *
 * <pre>
 * var sts = StsEmulator.start().requireRegion("us-east-1");
 * User ci = sts.registerUser("arn:aws:iam::111122223333:user/ci");        // AKIA... key + secret
 * sts.registerRole("arn:aws:iam::111122223333:role/deploy", """
 *     {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 *       "Principal": {"AWS": "arn:aws:iam::111122223333:user/ci"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}""");
 * sts.registerProvider(oidcIssuer, "sts.amazonaws.com");                 // for AssumeRoleWithWebIdentity
 * // ... run the code under test against sts.endpointUrl(), then:
 * Session s = sts.sessions().getLast();  // s.tags(), s.callerArn(), s.callerKind(), s.externalId(), ...
 * </pre>
 */
public final class StsEmulator implements AutoCloseable {
    public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    public static final String VERSION = "2011-06-15";
    public static final String DEFAULT_ACCOUNT = "111122223333";
    public static final Duration DEFAULT_MAX_SESSION = Duration.ofHours(1);
    /** Default {@link #packedPolicyLimit(int)}: room for a dozen-odd tags with long values (GitHub's 13 default tags fit). */
    public static final int DEFAULT_PACKED_TAG_CHARS = 4096;

    /**
     * A trust-policy statement for {@code sts:AssumeRoleWithWebIdentity}: Federated principal = the provider
     * for {@code issuer}, {@code StringEquals <provider>:aud} and {@code StringLike <provider>:sub}
     * ({@code *} and {@code ?} wildcards). A null audience or subPattern leaves that condition out.
     * Evaluated as the equivalent JSON statement ({@link #toJson(String)}).
     */
    public record TrustPolicy(String issuer, String audience, String subPattern) {
        public TrustPolicy {
            Objects.requireNonNull(issuer);
        }

        /** This statement as a policy document, for a role in {@code account}. */
        public String toJson(String account) {
            return Json.write(Map.of("Version", "2012-10-17", "Statement", List.of(statement(account))));
        }

        Map<String, Object> statement(String account) {
            String provider = issuerKey(issuer);
            Map<String, Object> condition = new LinkedHashMap<>();
            if (audience != null) condition.put("StringEquals", Map.of(provider + ":aud", audience));
            if (subPattern != null) condition.put("StringLike", Map.of(provider + ":sub", subPattern));
            Map<String, Object> statement = new LinkedHashMap<>();
            statement.put("Effect", "Allow");
            statement.put("Principal", Map.of("Federated", "arn:aws:iam::" + account + ":oidc-provider/" + provider));
            statement.put("Action", "sts:AssumeRoleWithWebIdentity");
            if (!condition.isEmpty()) statement.put("Condition", condition);
            return statement;
        }
    }

    /** Who called the action that created a session. */
    public enum CallerKind { USER, ASSUMED_ROLE, WEB_IDENTITY }

    /**
     * Credentials the emulator issued, and what the request that created them carried: {@code callerArn} is
     * the IAM user, the calling role session, or the OIDC provider ARN for web identity; {@code tags} keep the
     * request's order (transitive tags inherited from a calling session come first; for web identity, the
     * token's {@code https://aws.amazon.com/tags} claim); {@code signingRegion} is
     * the credential scope's region of a signed request (null for web identity). toString never shows the
     * secret or the session token.
     */
    public record Session(String accessKeyId, String secretAccessKey, String sessionToken, String assumedRoleArn,
                          String assumedRoleId, String account, Instant expiration,
                          String roleArn, String sessionName, CallerKind callerKind, String callerArn,
                          Map<String, String> tags, List<String> transitiveTagKeys, String externalId,
                          String policy, List<String> policyArns, String signingRegion) {
        @Override
        public String toString() {
            return "Session[" + accessKeyId + " " + assumedRoleArn + " until " + expiration + "]";
        }

        Session expiredAt(Instant when) {
            return new Session(accessKeyId, secretAccessKey, sessionToken, assumedRoleArn, assumedRoleId, account, when,
                    roleArn, sessionName, callerKind, callerArn, tags, transitiveTagKeys, externalId, policy, policyArns, signingRegion);
        }
    }

    /** A long-term IAM user access key. toString never shows the secret. */
    public record User(String arn, String userId, String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "User[" + accessKeyId + " " + arn + "]";
        }
    }

    /** One request whose SigV4 signature verified: who signed it, and the scope's region and service. */
    public record SignedRequest(String action, String accessKeyId, String callerArn, String region, String service) {}

    private record Provider(String issuerKey, Map<String, PublicKey> keysByKid, List<String> clientIds) {}

    private record Role(String arn, String name, String roleId, String account, Duration maxSession, IamPolicy trust) {}

    /** The authenticated principal of a signed request. */
    private record Caller(CallerKind kind, String arn, String userId, String account, Set<String> principalArns,
                          Session session, String region) {}

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
    private static final Pattern USER_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):user/(?:[\\x21-\\x7e]*/)?([\\w+=,.@-]+)");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String BAD_TOKEN = "The web identity token that was passed could not be validated by AWS."
            + " Get a new identity token from the identity provider and then retry the request.";
    private static final String INVALID_KEY = "The security token included in the request is invalid.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LocalServer server;
    private final String accountId;
    private final Faults faults = new Faults();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<SignedRequest> signedRequests = new CopyOnWriteArrayList<>();
    private final List<String> requestIds = new CopyOnWriteArrayList<>();
    private final Map<String, Provider> providers = new ConcurrentHashMap<>(); // by issuer without scheme
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<String> sessionOrder = new CopyOnWriteArrayList<>(); // access key ids, oldest first
    private final Map<String, User> users = new ConcurrentHashMap<>(); // by access key id
    private volatile Consumer<RecordedRequest> onRequest = r -> {};
    private volatile String requiredRegion;
    private volatile int packedTagChars = DEFAULT_PACKED_TAG_CHARS;

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
        providers.put(issuerKey(issuerUrl), new Provider(issuerKey(issuerUrl), Map.of("*", key), List.copyOf(clientIds)));
        return this;
    }

    /** Registers an IAM OIDC provider with its JWKS document (keys looked up by kid). */
    public StsEmulator registerProvider(String issuerUrl, String jwksJson, List<String> clientIds) {
        providers.put(issuerKey(issuerUrl), new Provider(issuerKey(issuerUrl), Map.copyOf(Jwt.parseJwks(jwksJson)), List.copyOf(clientIds)));
        return this;
    }

    /** Registers {@code issuer}'s URL and JWKS as a provider with these client IDs (audiences). */
    public StsEmulator registerProvider(OidcIssuer issuer, String... clientIds) {
        return registerProvider(issuer.issuerUrl(), issuer.jwks(), List.of(clientIds));
    }

    /** The provider's IAM ARN, {@code arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH}, for Federated principals. */
    public String providerArn(String issuerUrl) {
        return "arn:aws:iam::" + accountId + ":oidc-provider/" + issuerKey(issuerUrl);
    }

    public StsEmulator registerRole(String roleArn, TrustPolicy... trust) {
        return registerRole(roleArn, DEFAULT_MAX_SESSION, trust);
    }

    /** Registers a role with its MaxSessionDuration and web-identity trust statements (any one must match). */
    public StsEmulator registerRole(String roleArn, Duration maxSessionDuration, TrustPolicy... trust) {
        String account = roleAccount(roleArn);
        List<Object> statements = new ArrayList<>();
        for (TrustPolicy t : trust) statements.add(t.statement(account));
        // A role nobody may assume still needs a statement to be a valid document.
        if (statements.isEmpty()) statements.add(Map.of("Effect", "Deny", "Principal", "*", "Action", "*"));
        return registerRole(roleArn, maxSessionDuration, Json.write(Map.of("Version", "2012-10-17", "Statement", statements)));
    }

    /** Registers a role with a real JSON trust policy document and the default 1 h MaxSessionDuration. */
    public StsEmulator registerRole(String roleArn, String trustPolicyJson) {
        return registerRole(roleArn, DEFAULT_MAX_SESSION, trustPolicyJson);
    }

    /**
     * Registers a role with its MaxSessionDuration and JSON trust policy. IllegalArgumentException if the
     * document uses an element or condition operator the emulator does not evaluate.
     */
    public StsEmulator registerRole(String roleArn, Duration maxSessionDuration, String trustPolicyJson) {
        var m = ROLE_ARN.matcher(roleArn);
        if (!m.matches()) throw new IllegalArgumentException("not a role ARN: " + roleArn);
        roles.put(roleArn, new Role(roleArn, m.group(2), "AROA" + random(17), m.group(1), maxSessionDuration, IamPolicy.parse(trustPolicyJson)));
        return this;
    }

    /** Registers an IAM user ({@code arn:aws:iam::ACCT:user/NAME}) with a fresh access key (AKIA...) and secret. */
    public User registerUser(String userArn) {
        return registerUser(userArn, "AKIA" + random(16), secretAccessKey());
    }

    /** Registers an IAM user with this access key id and secret (e.g. the AWS documentation's example key). */
    public User registerUser(String userArn, String accessKeyId, String secretAccessKey) {
        if (!USER_ARN.matcher(userArn).matches()) throw new IllegalArgumentException("not a user ARN: " + userArn);
        User user = new User(userArn, "AIDA" + random(17), Objects.requireNonNull(accessKeyId), Objects.requireNonNull(secretAccessKey));
        users.put(accessKeyId, user);
        return user;
    }

    /** Signed requests must have this region in their credential scope; null (default) accepts any region. */
    public StsEmulator requireRegion(String region) { this.requiredRegion = region; return this; }

    /**
     * The room for session tags, in characters of keys plus values. A request whose tags need more answers
     * 400 PackedPolicyTooLarge ("Packed size of session tags consumes N% of allotted space").
     */
    public StsEmulator packedPolicyLimit(int maxTagChars) {
        if (maxTagChars < 1) throw new IllegalArgumentException("maxTagChars must be positive");
        this.packedTagChars = maxTagChars;
        return this;
    }

    /** Moves a session's expiration into the past, so requests signed with it answer ExpiredToken. */
    public void expireSession(String accessKeyId) {
        sessions.computeIfPresent(accessKeyId, (k, s) -> s.expiredAt(Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS)));
    }

    public Optional<Session> session(String accessKeyId) { return Optional.ofNullable(sessions.get(accessKeyId)); }

    /** Every session issued so far, oldest first. */
    public List<Session> sessions() {
        return sessionOrder.stream().map(sessions::get).toList();
    }

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

    /**
     * The next request gets exactly this reply: e.g. {@code (502, "text/html", "<html>Bad Gateway</html>")},
     * an empty body, or malformed/truncated XML. A null content type sends none.
     */
    public StsEmulator replyNext(int status, String contentType, String body) {
        faults.add(new Faults.Raw(status, contentType, Objects.requireNonNull(body)), 1);
        return this;
    }

    /** The next request is handled normally but its 200 reply lacks the {@code <Credentials>} element. */
    public StsEmulator missingCredentialsNext() { faults.add(new Faults.Strip("Credentials"), 1); return this; }

    /** The next request is read and never answered (until {@link #close()}); clients need a read timeout. */
    public StsEmulator hangNext() { faults.add(new Faults.Hang(), 1); return this; }

    /** The next request is handled normally, then the connection drops halfway through the response body. */
    public StsEmulator resetMidBodyNext() { faults.add(new Faults.Truncate(0.5), 1); return this; }

    public int pendingFaults() { return faults.pending(); }

    public void clearFaults() { faults.clear(); }

    // ---- accessors ----

    /** For {@code AWS_ENDPOINT_URL_STS} / an SDK endpoint override. */
    public String endpointUrl() { return server.baseUrl(); }

    public int port() { return server.port(); }

    public String accountId() { return accountId; }

    public List<RecordedRequest> requests() { return List.copyOf(requests); }

    /** Requests whose signature verified, oldest first (with the region their credential scope named). */
    public List<SignedRequest> signedRequests() { return List.copyOf(signedRequests); }

    public void clearRequests() {
        requests.clear();
        signedRequests.clear();
    }

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
        requestIds.add(requestId);
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        Faults.Fault fault = faults.poll();
        if (fault == null && throttleFraction > 0 && RANDOM.nextDouble() < throttleFraction) fault = THROTTLING;
        if (fault instanceof Faults.Fail f) {
            sendError(exchange, requestId, new StsError(f.status(), f.code(), f.message()));
            return;
        }
        if (Faults.answered(fault, exchange)) return;
        int status = 200;
        String reply;
        try {
            String action = request.action();
            String xml = switch (action == null ? "" : action) {
                case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(request);
                case "AssumeRole" -> assumeRole(authenticate(exchange, request, body), request);
                case "GetCallerIdentity" -> getCallerIdentity(authenticate(exchange, request, body));
                default -> throw new StsError(400, "InvalidAction", "Could not find operation " + action + " for version " + VERSION);
            };
            if (fault instanceof Faults.Strip s) xml = xml.replaceAll("(?s)\\s*<" + s.element() + ">.*</" + s.element() + ">", "");
            reply = "<" + action + "Response xmlns=\"" + NAMESPACE + "\">\n  <" + action + "Result>\n"
                    + xml + "  </" + action + "Result>\n  <ResponseMetadata>\n    <RequestId>" + requestId
                    + "</RequestId>\n  </ResponseMetadata>\n</" + action + "Response>\n";
        } catch (StsError e) {
            status = e.status;
            reply = errorXml(requestId, e);
        }
        if (fault instanceof Faults.Truncate t) {
            LocalServer.sendTruncated(exchange, status, "text/xml", reply, t.fraction());
        } else {
            LocalServer.send(exchange, status, "text/xml", reply);
        }
    }

    private static void sendError(HttpExchange exchange, String requestId, StsError e) throws IOException {
        LocalServer.send(exchange, e.status, "text/xml", errorXml(requestId, e));
    }

    private static String errorXml(String requestId, StsError e) {
        String type = e.status >= 500 ? "Receiver" : "Sender";
        return "<ErrorResponse xmlns=\"" + NAMESPACE + "\">\n  <Error>\n    <Type>" + type
                + "</Type>\n    <Code>" + xml(e.code) + "</Code>\n    <Message>" + xml(e.getMessage())
                + "</Message>\n  </Error>\n  <RequestId>" + requestId + "</RequestId>\n</ErrorResponse>\n";
    }

    // ---- AssumeRoleWithWebIdentity ----

    private String assumeRoleWithWebIdentity(RecordedRequest request) throws StsError {
        String roleArn = request.param("RoleArn");
        String sessionName = request.param("RoleSessionName");
        String token = request.param("WebIdentityToken");
        String policy = request.param("Policy");
        List<String> errors = new ArrayList<>();
        validateRoleAndSession(roleArn, sessionName, errors);
        // STS leaves sensitive values (the token) out of its validation messages.
        if (token == null) errors.add(constraint(null, "webIdentityToken", "Member must not be null"));
        else if (token.length() < 4) errors.add("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4");
        else if (token.length() > 20000) errors.add("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000");
        long duration = duration(request.param("DurationSeconds"), errors);
        List<String> policyArns = members(request, "PolicyArns.member.", ".arn");
        validatePolicy(policy, policyArns, errors);
        throwIfAny(errors);
        checkRoleArn(roleArn);
        parsePolicy(policy);

        Map<String, Object> claims = verifyToken(token);
        String iss = (String) claims.get("iss");
        Provider provider = provider(iss);
        String sub = String.valueOf(claims.get("sub"));
        List<String> audiences = audiences(claims.get("aud"));

        Role role = roles.get(roleArn);
        String account = roleAccount(roleArn);
        String providerArn = "arn:aws:iam::" + account + ":oidc-provider/" + provider.issuerKey();
        Map<String, List<String>> context = new LinkedHashMap<>();
        context.put(provider.issuerKey() + ":aud", audiences);
        context.put(provider.issuerKey() + ":sub", List.of(sub));
        context.put("sts:RoleSessionName", List.of(sessionName));
        context.put("aws:FederatedProvider", List.of(providerArn));
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> transitive = new ArrayList<>();
        tokenTags(claims, tags, transitive);
        tags.forEach((k, v) -> context.put("aws:RequestTag/" + k, List.of(v)));
        if (!tags.isEmpty()) context.put("aws:TagKeys", List.copyOf(tags.keySet()));
        var caller = new IamPolicy.Caller(account, Set.of(), providerArn);
        if (role == null || role.trust().evaluate("sts:AssumeRoleWithWebIdentity", caller, context) != IamPolicy.Decision.ALLOW
                || (!tags.isEmpty() && role.trust().evaluate("sts:TagSession", caller, context) != IamPolicy.Decision.ALLOW)) {
            throw new StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        Session session = issue(role, sessionName, duration, CallerKind.WEB_IDENTITY, providerArn, tags, transitive, null,
                policy, policyArns, null);

        String audience = provider.clientIds().stream().filter(audiences::contains).findFirst().orElseThrow();
        int packed = packedPercent(policy, policyArns, tags);
        return "    <SubjectFromWebIdentityToken>" + xml(sub) + "</SubjectFromWebIdentityToken>\n"
                + "    <Audience>" + xml(audience) + "</Audience>\n"
                + assumedRoleUser(session) + credentials(session)
                + (packed > 0 ? "    <PackedPolicySize>" + packed + "</PackedPolicySize>\n" : "")
                + "    <Provider>" + xml(provider.issuerKey()) + "</Provider>\n";
    }

    /**
     * Session tags a token carries in its {@code https://aws.amazon.com/tags} claim:
     * {@code {"principal_tags": {"K": ["V"]}, "transitive_tag_keys": ["K"]}}.
     */
    private static void tokenTags(Map<String, Object> claims, Map<String, String> tags, List<String> transitive) throws StsError {
        if (!(claims.get("https://aws.amazon.com/tags") instanceof Map<?, ?> claim)) return;
        if (claim.get("principal_tags") instanceof Map<?, ?> principalTags) {
            for (var e : principalTags.entrySet()) {
                Object value = e.getValue() instanceof List<?> list && list.size() == 1 ? list.getFirst() : e.getValue();
                if (!(value instanceof String v)) throw new StsError(400, "InvalidIdentityToken", BAD_TOKEN);
                tags.put(String.valueOf(e.getKey()), v);
            }
        }
        if (claim.get("transitive_tag_keys") instanceof List<?> keys) keys.forEach(k -> transitive.add(String.valueOf(k)));
    }

    // ---- AssumeRole ----

    private String assumeRole(Caller caller, RecordedRequest request) throws StsError {
        String roleArn = request.param("RoleArn");
        String sessionName = request.param("RoleSessionName");
        String externalId = request.param("ExternalId");
        String policy = request.param("Policy");
        List<String> errors = new ArrayList<>();
        validateRoleAndSession(roleArn, sessionName, errors);
        String durationParam = request.param("DurationSeconds");
        long duration = duration(durationParam, errors);
        List<String> policyArns = members(request, "PolicyArns.member.", ".arn");
        validatePolicy(policy, policyArns, errors);
        if (externalId != null) {
            if (externalId.length() < 2) errors.add(constraint(externalId, "externalId", "Member must have length greater than or equal to 2"));
            if (externalId.length() > 1224) errors.add(constraint(externalId, "externalId", "Member must have length less than or equal to 1224"));
            if (!EXTERNAL_ID.matcher(externalId).matches()) {
                errors.add(constraint(externalId, "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"));
            }
        }
        Map<String, String> requestTags = new LinkedHashMap<>();
        List<String> keys = members(request, "Tags.member.", ".Key");
        if (keys.size() > 50) errors.add("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            String value = request.param("Tags.member." + (i + 1) + ".Value");
            String where = "tags." + (i + 1) + ".member.";
            if (key.isEmpty()) errors.add(constraint(key, where + "key", "Member must have length greater than or equal to 1"));
            if (key.length() > 128) errors.add(constraint(key, where + "key", "Member must have length less than or equal to 128"));
            if (!key.isEmpty() && !TAG_KEY.matcher(key).matches()) {
                errors.add(constraint(key, where + "key", "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"));
            }
            if (value == null) {
                errors.add(constraint(null, where + "value", "Member must not be null"));
                continue;
            }
            if (value.length() > 256) errors.add(constraint(value, where + "value", "Member must have length less than or equal to 256"));
            if (!TAG_VALUE.matcher(value).matches()) {
                errors.add(constraint(value, where + "value", "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"));
            }
            requestTags.put(key, value);
        }
        List<String> transitive = members(request, "TransitiveTagKeys.member.", "");
        if (transitive.size() > 50) errors.add("Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50");
        throwIfAny(errors);
        checkRoleArn(roleArn);
        parsePolicy(policy);

        Set<String> lowerKeys = new LinkedHashSet<>();
        for (String key : keys) {
            if (!lowerKeys.add(key.toLowerCase(Locale.ROOT))) {
                throw new StsError(400, "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
        }
        for (String key : transitive) {
            if (!lowerKeys.contains(key.toLowerCase(Locale.ROOT))) {
                throw new StsError(400, "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.");
            }
        }
        // Transitive tags of a calling role session carry over to the next session in the chain.
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> transitiveKeys = new ArrayList<>();
        if (caller.session() != null) {
            for (String key : caller.session().transitiveTagKeys()) {
                if (lowerKeys.contains(key.toLowerCase(Locale.ROOT))) {
                    throw new StsError(400, "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
                }
                tags.put(key, caller.session().tags().get(key));
                transitiveKeys.add(key);
            }
        }
        tags.putAll(requestTags);
        transitiveKeys.addAll(transitive);

        Role role = roles.get(roleArn);
        Map<String, List<String>> context = new LinkedHashMap<>();
        if (externalId != null) context.put("sts:ExternalId", List.of(externalId));
        context.put("sts:RoleSessionName", List.of(sessionName));
        requestTags.forEach((k, v) -> context.put("aws:RequestTag/" + k, List.of(v)));
        if (!requestTags.isEmpty()) context.put("aws:TagKeys", List.copyOf(requestTags.keySet()));
        if (!transitive.isEmpty()) context.put("sts:TransitiveTagKeys", transitive);
        context.put("aws:PrincipalArn", List.of(caller.kind() == CallerKind.USER ? caller.arn() : caller.session().roleArn()));
        context.put("aws:PrincipalAccount", List.of(caller.account()));
        context.put("aws:PrincipalType", List.of(caller.kind() == CallerKind.USER ? "User" : "AssumedRole"));
        var principal = new IamPolicy.Caller(caller.account(), caller.principalArns(), null);
        if (role == null || role.trust().evaluate("sts:AssumeRole", principal, context) != IamPolicy.Decision.ALLOW) {
            throw new StsError(403, "AccessDenied", "User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
        }
        if (!(requestTags.isEmpty() && transitive.isEmpty())
                && role.trust().evaluate("sts:TagSession", principal, context) != IamPolicy.Decision.ALLOW) {
            throw new StsError(403, "AccessDenied", "User: " + caller.arn() + " is not authorized to perform: sts:TagSession on resource: " + roleArn);
        }
        if (caller.kind() != CallerKind.USER && durationParam != null && duration > 3600) {
            throw new StsError(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        Session session = issue(role, sessionName, duration, caller.kind(), caller.arn(), tags, transitiveKeys, externalId, policy, policyArns, caller.region());
        int packed = packedPercent(policy, policyArns, tags);
        return assumedRoleUser(session) + credentials(session)
                + (packed > 0 ? "    <PackedPolicySize>" + packed + "</PackedPolicySize>\n" : "");
    }

    // ---- shared by both AssumeRole actions ----

    /** A new session, within what STS allows every session: the role's maximum duration, the tags' packed size. */
    private Session issue(Role role, String sessionName, long duration, CallerKind kind, String callerArn, Map<String, String> tags,
                          List<String> transitiveKeys, String externalId, String policy, List<String> policyArns, String region)
            throws StsError {
        if (duration > role.maxSession().toSeconds()) {
            throw new StsError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        int tagPercent = tagPercent(tags);
        if (tagPercent > 100) {
            throw new StsError(400, "PackedPolicyTooLarge", "Packed size of session tags consumes " + tagPercent + "% of allotted space");
        }
        String partition = role.arn().substring(4, role.arn().indexOf(':', 4));
        Session session = new Session("ASIA" + random(16), secretAccessKey(), sessionToken(),
                "arn:" + partition + ":sts::" + role.account() + ":assumed-role/" + role.name() + "/" + sessionName,
                role.roleId() + ":" + sessionName, role.account(), Instant.now().plusSeconds(duration).truncatedTo(ChronoUnit.SECONDS),
                role.arn(), sessionName, kind, callerArn, Collections.unmodifiableMap(new LinkedHashMap<>(tags)),
                List.copyOf(transitiveKeys), externalId, policy, List.copyOf(policyArns), region);
        sessions.put(session.accessKeyId(), session);
        sessionOrder.add(session.accessKeyId());
        return session;
    }

    private static String assumedRoleUser(Session session) {
        return "    <AssumedRoleUser>\n      <Arn>" + xml(session.assumedRoleArn()) + "</Arn>\n"
                + "      <AssumedRoleId>" + xml(session.assumedRoleId()) + "</AssumedRoleId>\n    </AssumedRoleUser>\n";
    }

    private static String credentials(Session session) {
        return "    <Credentials>\n      <AccessKeyId>" + session.accessKeyId() + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + xml(session.secretAccessKey()) + "</SecretAccessKey>\n"
                + "      <SessionToken>" + xml(session.sessionToken()) + "</SessionToken>\n"
                + "      <Expiration>" + session.expiration() + "</Expiration>\n    </Credentials>\n";
    }

    /** Session tags' share of the packed space, in percent (rounded up). */
    private int tagPercent(Map<String, String> tags) {
        long chars = tags.entrySet().stream().mapToLong(e -> e.getKey().length() + e.getValue().length()).sum();
        return (int) ((chars * 100 + packedTagChars - 1) / packedTagChars);
    }

    /** PackedPolicySize: the session policy (whitespace aside), 64 per managed policy ARN, plus the tags; 0 if none. */
    private int packedPercent(String policy, List<String> policyArns, Map<String, String> tags) {
        if (policy == null && policyArns.isEmpty() && tags.isEmpty()) return 0;
        int policies = ((policy == null ? 0 : policy.replaceAll("\\s", "").length()) + 64 * policyArns.size()) * 100 / 2048;
        return Math.max(1, policies + tagPercent(tags));
    }

    /** {@code prefix1suffix}, {@code prefix2suffix}, ... up to the first missing one. */
    private static List<String> members(RecordedRequest request, String prefix, String suffix) {
        List<String> values = new ArrayList<>();
        for (int i = 1; request.param(prefix + i + suffix) != null; i++) values.add(request.param(prefix + i + suffix));
        return values;
    }

    private static void validateRoleAndSession(String roleArn, String sessionName, List<String> errors) {
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
    }

    /** DurationSeconds, default 3600; range errors are added to {@code errors}. */
    private static long duration(String durationParam, List<String> errors) throws StsError {
        if (durationParam == null) return DEFAULT_MAX_SESSION.toSeconds();
        long duration;
        try {
            duration = Long.parseLong(durationParam.trim());
        } catch (NumberFormatException e) {
            throw new StsError(400, "MalformedInput", "Invalid value for parameter DurationSeconds");
        }
        if (duration < 900) errors.add(constraint(durationParam, "durationSeconds", "Member must have value greater than or equal to 900"));
        if (duration > 43200) errors.add(constraint(durationParam, "durationSeconds", "Member must have value less than or equal to 43200"));
        return duration;
    }

    private static void validatePolicy(String policy, List<String> policyArns, List<String> errors) {
        if (policy != null && policy.length() > 2048) {
            errors.add(constraint(policy, "policy", "Member must have length less than or equal to 2048"));
        }
        if (policyArns.size() > 10) errors.add("Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
    }

    private static void throwIfAny(List<String> errors) throws StsError {
        if (!errors.isEmpty()) {
            throw new StsError(400, "ValidationError", errors.size() + " validation error" + (errors.size() == 1 ? "" : "s")
                    + " detected: " + String.join("; ", errors));
        }
    }

    private static void checkRoleArn(String roleArn) throws StsError {
        if (!ROLE_ARN.matcher(roleArn).matches()) throw new StsError(400, "ValidationError", "Request ARN is invalid");
    }

    private static void parsePolicy(String policy) throws StsError {
        if (policy == null) return;
        try {
            Json.parse(policy);
        } catch (IOException e) {
            // STS parses session policies with Jackson too; its message is the parser's.
            throw new StsError(400, "MalformedPolicyDocument", e.getMessage());
        }
    }

    private static String constraint(String value, String member, String rule) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + member + "' failed to satisfy constraint: " + rule;
    }

    private static String roleAccount(String roleArn) {
        var m = ROLE_ARN.matcher(roleArn);
        if (!m.matches()) throw new IllegalArgumentException("not a role ARN: " + roleArn);
        return m.group(1);
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
        // An unsigned or otherwise-signed token fails as an invalid signature, whatever its kid.
        if (!"RS256".equals(jwt.header().get("alg"))) throw new StsError(400, "InvalidIdentityToken", BAD_TOKEN);
        PublicKey key = provider.keysByKid().getOrDefault("*", provider.keysByKid().get(String.valueOf(jwt.header().get("kid"))));
        if (key == null) {
            throw new StsError(400, "InvalidIdentityToken",
                    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
        }
        if (!Jwt.verifyRs256(jwt, key)) {
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

    /** IAM's StringLike: '*' any run of characters, '?' exactly one, everything else literal. */
    static Pattern glob(String pattern) {
        return IamPolicy.glob(pattern);
    }

    private static List<String> audiences(Object aud) {
        if (aud instanceof String s) return List.of(s);
        if (aud instanceof List<?> list) return list.stream().map(String::valueOf).toList();
        return List.of();
    }

    /** IAM names an OIDC provider by its URL without the scheme (and without a trailing slash). */
    static String issuerKey(String url) {
        String s = url.replaceFirst("^https?://", "");
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // ---- GetCallerIdentity ----

    private static String getCallerIdentity(Caller caller) {
        return "    <Arn>" + xml(caller.arn()) + "</Arn>\n    <UserId>" + xml(caller.userId())
                + "</UserId>\n    <Account>" + caller.account() + "</Account>\n";
    }

    // ---- SigV4 ----

    /** SigV4 header authentication against the IAM users' keys and the sessions this emulator issued. */
    private Caller authenticate(HttpExchange exchange, RecordedRequest request, byte[] body) throws StsError {
        String header = request.header("Authorization");
        if (header == null) throw new StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        SigV4.Authorization auth;
        try {
            auth = SigV4.parse(header);
        } catch (IllegalArgumentException e) {
            throw new StsError(400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
        }
        String token = request.header("X-Amz-Security-Token");
        User user = users.get(auth.accessKeyId());
        Session session = sessions.get(auth.accessKeyId());
        String secret;
        if (user != null && token == null) {
            secret = user.secretAccessKey();
        } else if (session != null && token != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), session.sessionToken().getBytes(StandardCharsets.UTF_8))) {
            secret = session.secretAccessKey();
        } else {
            throw new StsError(403, "InvalidClientTokenId", INVALID_KEY);
        }
        if (!auth.service().equals("sts")) {
            throw new StsError(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ");
        }
        String region = requiredRegion;
        if (region != null && !region.equals(auth.region())) {
            throw new StsError(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region. ");
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
        if (!SigV4.verify(auth, secret, amzDate, canonical)) {
            // As STS does: the canonical request and string to sign it expected, signed header values included
            // (x-amz-security-token among them), so a client that prints this message verbatim shows them.
            String stringToSign = SigV4.ALGORITHM + "\n" + amzDate + "\n" + auth.scope() + "\n"
                    + SigV4.hex(SigV4.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
            throw new StsError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
                    + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                    + "\n\nThe Canonical String for this request should have been\n'" + canonical + "'\n\n"
                    + "The String-to-Sign should have been\n'" + stringToSign + "'\n");
        }
        Caller caller;
        if (user != null && token == null) {
            String account = USER_ARN.matcher(user.arn()).results().findFirst().orElseThrow().group(1);
            caller = new Caller(CallerKind.USER, user.arn(), user.userId(), account, Set.of(user.arn()), null, auth.region());
        } else {
            if (!now.isBefore(session.expiration())) {
                throw new StsError(400, "ExpiredToken", "The security token included in the request is expired");
            }
            caller = new Caller(CallerKind.ASSUMED_ROLE, session.assumedRoleArn(), session.assumedRoleId(), session.account(),
                    Set.of(session.assumedRoleArn(), session.roleArn()), session, auth.region());
        }
        signedRequests.add(new SignedRequest(request.action(), auth.accessKeyId(), caller.arn(), auth.region(), auth.service()));
        return caller;
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

    // ---- added for the fault and load tests ----

    /** The request id ({@code x-amzn-RequestId}) of each reply so far, faults included, oldest first. */
    public List<String> requestIds() { return List.copyOf(requestIds); }

    private static final Faults.Fault THROTTLING = new Faults.Fail(400, "Throttling", "Rate exceeded");
    private volatile double throttleFraction;

    /** From now on, each request without a scripted fault is answered Throttling with this probability (0 to 1). */
    public StsEmulator throttleFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in [0, 1]");
        this.throttleFraction = fraction;
        return this;
    }
}
