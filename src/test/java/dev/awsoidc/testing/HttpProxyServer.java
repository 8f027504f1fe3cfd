package dev.awsoidc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on 127.0.0.1 as corporate proxies behave: {@code CONNECT host:port} opens a tunnel (https), an
 * absolute-form request ({@code GET http://host/path}) is forwarded (plain http). With credentials set, it answers
 * 407 to any request without the right {@code Proxy-Authorization: Basic}. It records what it was asked.
 */
public final class HttpProxyServer implements AutoCloseable {
  /** One request the proxy received: its request line and its Proxy-Authorization header, if any. */
  public record Seen(String requestLine, Optional<String> proxyAuthorization) {
    public String method() {
      return requestLine.split(" ")[0];
    }

    public String target() {
      return requestLine.split(" ")[1];
    }
  }

  private final ServerSocket server;
  private final Optional<String> expectedAuthorization;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private HttpProxyServer(Optional<String> expectedAuthorization) throws IOException {
    this.expectedAuthorization = expectedAuthorization;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("test-proxy").start(this::acceptLoop);
  }

  public static HttpProxyServer open() throws IOException {
    return new HttpProxyServer(Optional.empty());
  }

  /** A proxy that wants this user and password. */
  public static HttpProxyServer requiringLogin(String user, String password) throws IOException {
    return new HttpProxyServer(Optional.of("Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8))));
  }

  public int port() {
    return server.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread.ofPlatform().daemon().name("test-proxy-connection").start(() -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      List<String> head = readHead(in);
      if (head.isEmpty()) return;
      String requestLine = head.getFirst();
      Optional<String> authorization = header(head, "proxy-authorization");
      seen.add(new Seen(requestLine, authorization));
      if (expectedAuthorization.isPresent() && !expectedAuthorization.equals(authorization)) {
        out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      String[] parts = requestLine.split(" ");
      if (parts[0].equals("CONNECT")) {
        String[] hostPort = parts[1].split(":");
        try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
          open.add(upstream);
          out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          pipe(in, out, upstream);
        }
      } else {
        URI target = URI.create(parts[1]);
        try (Socket upstream = new Socket(target.getHost(), target.getPort() == -1 ? 80 : target.getPort())) {
          open.add(upstream);
          String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
          StringBuilder forwarded = new StringBuilder(parts[0] + " " + path
              + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()) + " " + parts[2] + "\r\n");
          for (String line : head.subList(1, head.size())) {
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).toLowerCase(Locale.ROOT);
            if (!name.startsWith("proxy-")) forwarded.append(line).append("\r\n");
          }
          forwarded.append("\r\n");
          upstream.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
          pipe(in, out, upstream);
        }
      }
    } catch (IOException | RuntimeException e) {
      // a client or server that went away: the test sees it from the client's side
    }
  }

  /** Copies both ways until either side closes. */
  private static void pipe(InputStream clientIn, OutputStream clientOut, Socket upstream) throws IOException {
    Thread up = Thread.ofPlatform().daemon().start(() -> {
      try {
        clientIn.transferTo(upstream.getOutputStream());
        upstream.shutdownOutput();
      } catch (IOException ignored) {
        // closed
      }
    });
    try {
      upstream.getInputStream().transferTo(clientOut);
    } finally {
      up.interrupt();
    }
  }

  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
        line.reset();
        if (text.isEmpty()) return lines;
        lines.add(text);
      } else {
        line.write(b);
      }
    }
    return lines;
  }

  private static Optional<String> header(List<String> head, String name) {
    for (String line : head.subList(1, head.size())) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
        return Optional.of(line.substring(colon + 1).strip());
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) socket.close();
  }
}
