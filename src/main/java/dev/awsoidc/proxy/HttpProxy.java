package dev.awsoidc.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP proxy both clients use (the {@code http-proxy} input, else {@code HTTPS_PROXY}/{@code HTTP_PROXY}), with
 * the hosts that bypass it. Requests to https endpoints go through a {@code CONNECT} tunnel, so the proxy sees
 * host names, never the token or the credentials; its own user and password, if any, go only to the proxy.
 *
 * @param source where the proxy came from, for messages: "input 'http-proxy'" or "variable HTTPS_PROXY"
 */
public record HttpProxy(String host, int port, Optional<String> username, Optional<String> password,
    NoProxy bypass, String source) {

  /** The proxy for a request to this host and port, or {@link Proxy#NO_PROXY} when the host bypasses it. */
  public Proxy proxyFor(String targetHost, int targetPort) {
    if (bypass.bypasses(targetHost, targetPort)) return Proxy.NO_PROXY;
    return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
  }

  public Proxy proxyFor(URI target) {
    int port = target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    return proxyFor(target.getHost(), port);
  }

  /** The value of a {@code Proxy-Authorization} header (Basic), if the proxy URL carried a user. */
  public Optional<String> authorization() {
    return username.map(user -> "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
  }

  /** For clients that take a {@link ProxySelector} (OkHttp). */
  public ProxySelector selector() {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(proxyFor(uri));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // one proxy, no alternatives: the caller reports the failure
      }
    };
  }

  /** host:port, and where it came from; never the user or password. */
  public String description() {
    return "http://" + (username.isPresent() ? "***@" : "") + host + ":" + port + " (from " + source + ")";
  }

  /** A proxy URL as it may be shown: any user and password replaced by ***. */
  public static String withoutUserInfo(String url) {
    int at = url.lastIndexOf('@');
    if (at < 0) return url;
    int scheme = url.indexOf("://");
    return (scheme >= 0 && scheme < at ? url.substring(0, scheme + 3) : "") + "***" + url.substring(at);
  }

  @Override
  public String toString() {
    return "HttpProxy[" + description() + "]";
  }
}
