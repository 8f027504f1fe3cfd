package dev.awsoidc.testing;

import com.sun.net.httpserver.HttpExchange;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One request an emulator received. {@code params} are the decoded query parameters, plus the form
 * body for STS. Header lookup is case-insensitive. {@link #toString()} redacts secrets, so it is safe to print.
 */
public record RecordedRequest(String method, String pathAndQuery, Map<String, List<String>> headers, Map<String, String> params) {

    private static final Set<String> SECRET_NAMES = Set.of(
            "authorization", "x-amz-security-token", "webidentitytoken", "x-amz-signature", "cookie");

    static RecordedRequest of(HttpExchange exchange, Map<String, String> params) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        return new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                Collections.unmodifiableMap(headers), Collections.unmodifiableMap(params));
    }

    /** First value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** A decoded query/form parameter, or null. */
    public String param(String name) {
        return params.get(name);
    }

    /** The STS {@code Action} parameter (null for the OIDC issuer). */
    public String action() {
        return params.get("Action");
    }

    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    @Override
    public String toString() {
        String shownParams = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + (secret(e.getKey()) ? "<redacted>" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        String shownHeaders = headers.entrySet().stream()
                .map(e -> e.getKey() + (secret(e.getKey()) ? "=<redacted>" : "=" + String.join(",", e.getValue())))
                .collect(Collectors.joining(", ", "{", "}"));
        // The raw query is left out: for STS it could carry the token; params show it redacted.
        return method + " " + path() + " params=" + shownParams + " headers=" + shownHeaders;
    }

    private static boolean secret(String name) {
        return SECRET_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT));
    }
}
