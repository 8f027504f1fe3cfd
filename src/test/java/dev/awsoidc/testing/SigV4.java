package dev.awsoidc.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 (header form), written from the spec: canonical request, string to sign,
 * derived key. The STS emulator verifies with it; tests sign with it.
 */
public final class SigV4 {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");

    private SigV4() {}

    /** A parsed {@code Authorization} header. */
    public record Authorization(String accessKeyId, String date, String region, String service,
                                List<String> signedHeaders, String signature) {
        public String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    /** Parses the header; IllegalArgumentException if it is not a well-formed SigV4 header. */
    public static Authorization parse(String header) {
        Matcher m = AUTHORIZATION.matcher(header == null ? "" : header);
        if (!m.matches()) throw new IllegalArgumentException("not a SigV4 Authorization header");
        return new Authorization(m.group(1), m.group(2), m.group(3), m.group(4), List.of(m.group(5).split(";")), m.group(6));
    }

    /**
     * Signs a request and returns the {@code Authorization} header value. Every header in {@code headers}
     * is signed; they must include {@code host} and {@code x-amz-date} (yyyyMMdd'T'HHmmss'Z').
     */
    public static String authorization(String accessKeyId, String secretKey, String region, String service,
                                       String method, URI uri, Map<String, String> headers, byte[] body) {
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        String amzDate = lower.get("x-amz-date");
        if (amzDate == null || !lower.containsKey("host")) throw new IllegalArgumentException("host and x-amz-date are required");
        List<String> signed = List.copyOf(lower.keySet());
        String signature = signature(secretKey, amzDate, amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request",
                canonicalRequest(method, uri.getRawPath(), uri.getRawQuery(), signed, name -> lower.containsKey(name) ? List.of(lower.get(name)) : null, body));
        return ALGORITHM + " Credential=" + accessKeyId + "/" + amzDate.substring(0, 8) + "/" + region + "/" + service
                + "/aws4_request, SignedHeaders=" + String.join(";", signed) + ", Signature=" + signature;
    }

    /** The hex signature the given secret produces for this canonical request. */
    public static String signature(String secretKey, String amzDate, String scope, String canonicalRequest) {
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        String[] s = scope.split("/");
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), s[0]);
        key = hmac(key, s[1]);
        key = hmac(key, s[2]);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    /** Whether {@code auth}'s signature is the one {@code secretKey} produces for this canonical request (constant-time). */
    public static boolean verify(Authorization auth, String secretKey, String amzDate, String canonicalRequest) {
        String expected = signature(secretKey, amzDate, auth.scope(), canonicalRequest);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), auth.signature().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The canonical request. {@code headerValues} maps a lower-case name to all its values. The path is
     * URI-encoded once more, as AWS does for every service but S3 (STS only ever sees "/").
     */
    public static String canonicalRequest(String method, String rawPath, String rawQuery, List<String> signedHeaders,
                                          Function<String, List<String>> headerValues, byte[] body) {
        String canonicalUri = rawPath == null || rawPath.isEmpty() ? "/"
                : java.util.Arrays.stream(rawPath.split("/", -1)).map(SigV4::encode).collect(Collectors.joining("/"));
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = headerValues.apply(name);
            String joined = values == null ? "" : values.stream()
                    .map(v -> v.trim().replaceAll("\\s+", " ")).collect(Collectors.joining(","));
            headers.append(name).append(':').append(joined).append('\n');
        }
        List<String> payloadHeader = headerValues.apply("x-amz-content-sha256");
        String payloadHash = payloadHeader != null && !payloadHeader.isEmpty() && signedHeaders.contains("x-amz-content-sha256")
                ? payloadHeader.getFirst() : hex(sha256(body == null ? new byte[0] : body));
        return method + "\n" + canonicalUri + "\n" + canonicalQuery(rawQuery) + "\n" + headers + "\n"
                + String.join(";", signedHeaders) + "\n" + payloadHash;
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            pairs.add(new String[] {encode(decode(eq < 0 ? pair : pair.substring(0, eq))), encode(decode(eq < 0 ? "" : pair.substring(eq + 1)))});
        }
        pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
    }

    /** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ as upper-case %XX of the UTF-8 bytes. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    // Percent-decoding only: in a query '+' is a literal plus for SigV4, not a space.
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
