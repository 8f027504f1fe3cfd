package dev.awsoidc.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The EC2 instance metadata service as the SDK's instance-profile provider uses it (IMDSv2: PUT a session token,
 * then GET the role name and its credentials with that token). {@link #hopLimitOne()} answers as an instance
 * with hop limit 1 looks from a container: the token PUT never gets an answer, and IMDSv1 GETs are refused (401).
 */
final class FakeInstanceMetadata implements AutoCloseable {
  private static final String TOKEN = "imds-session-token";
  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile boolean hopLimitOne;
  private volatile String accessKeyId;
  private volatile String secret;
  private volatile String sessionToken;

  FakeInstanceMetadata() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  FakeInstanceMetadata serving(String accessKeyId, String secret, String sessionToken) {
    this.accessKeyId = accessKeyId;
    this.secret = secret;
    this.sessionToken = sessionToken;
    return this;
  }

  FakeInstanceMetadata hopLimitOne() {
    hopLimitOne = true;
    return this;
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(exchange.getRequestMethod() + " " + path);
    if (hopLimitOne) {
      if (exchange.getRequestMethod().equals("PUT")) {
        try {
          Thread.sleep(30_000); // the answer dies one hop short: the client times out
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      reply(exchange, 401, "");
      return;
    }
    if (exchange.getRequestMethod().equals("PUT") && path.equals("/latest/api/token")) {
      reply(exchange, 200, TOKEN);
      return;
    }
    if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
      reply(exchange, 401, "");
      return;
    }
    switch (path) {
      case "/latest/meta-data/iam/security-credentials/", "/latest/meta-data/iam/security-credentials" ->
          reply(exchange, 200, "runner-role");
      case "/latest/meta-data/iam/security-credentials/runner-role" -> reply(exchange, 200, """
          {"Code":"Success","LastUpdated":"%s","Type":"AWS-HMAC","AccessKeyId":"%s","SecretAccessKey":"%s",
           "Token":"%s","Expiration":"%s"}""".formatted(Instant.now(), accessKeyId, secret, sessionToken,
          Instant.now().plusSeconds(3600)));
      default -> reply(exchange, 404, "");
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
