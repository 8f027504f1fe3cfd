package dev.awsoidc.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;

/** The JDK HTTP(S) server on 127.0.0.1 with a small daemon pool, plus the few helpers both emulators share. */
final class LocalServer implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server writes headers and body separately and Nagle + delayed ACK
        // can add ~40 ms per response; set it before the first server starts unless the caller chose.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String baseUrl;

    LocalServer(String name, int port, TestCertificates tls, HttpHandler handler) throws IOException {
        var address = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
        if (tls == null) {
            server = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                    if (!tls.serverGroups().isEmpty()) ssl.setNamedGroups(tls.serverGroups().toArray(String[]::new));
                    parameters.setSSLParameters(ssl);
                }
            });
            server = https;
        }
        var threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (Aborted e) {
                throw e; // the JDK server closes the connection on an IOException from the handler
            } catch (Exception | Error e) {
                // Never echo request data here: it may hold tokens.
                System.err.println(name + ": handler failed: " + e);
            }
        });
        server.setExecutor(executor);
        server.start();
        baseUrl = (tls == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    String baseUrl() {
        return baseUrl;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Closes the connection without any response: before sendResponseHeaders the JDK server's
     * exchange close drops the socket, so the client sees an EOF/IOException.
     */
    static void reset(HttpExchange exchange) {
        exchange.close();
    }

    /** Exactly this status, Content-Type (null: none) and body (empty: Content-Length 0). */
    static void sendRaw(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Sends the headers (with the full Content-Length) and the first {@code fraction} of the body, then drops
     * the connection: the client sees a response cut off mid-body.
     */
    static void sendTruncated(HttpExchange exchange, int status, String contentType, String body, double fraction) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, (int) Math.max(0, Math.min(bytes.length - 1, bytes.length * fraction)));
        out.flush();
        throw new Aborted();
    }

    /** Never answers: waits until the server is closed (its pool is interrupted) or ten minutes pass. */
    static void hang() {
        try {
            Thread.sleep(java.time.Duration.ofMinutes(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thrown to make the JDK server close the connection mid-response. */
    static final class Aborted extends IOException {
        Aborted() {
            super("response aborted on purpose", null);
        }
    }

    /** Decodes a query string or form body (first value wins); '+' is a space as in form encoding. */
    static Map<String, String> decodeForm(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return params;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }
}
