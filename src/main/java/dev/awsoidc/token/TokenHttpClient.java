package dev.awsoidc.token;

import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.tls.ClientTls;
import java.net.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/** The OkHttp client for the runner's token endpoint: our TLS, our proxy, short timeouts, no retries of its own. */
public final class TokenHttpClient {
  private TokenHttpClient() {}

  public static OkHttpClient build(ClientTls trust, Optional<HttpProxy> proxy, Duration connectTimeout,
      Duration readTimeout) {
    return withTls(withoutTls(proxy, connectTimeout, readTimeout), trust);
  }

  /**
   * Everything but TLS, for a client made before the trust store has loaded: OkHttp's own set-up (platform
   * detection, dispatcher, pool) then overlaps the trust store's loading instead of following it. The result
   * speaks plain HTTP only; {@link #withTls} makes the client for https URLs too.
   */
  public static OkHttpClient withoutTls(Optional<HttpProxy> proxy, Duration connectTimeout, Duration readTimeout) {
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)) // else OkHttp loads the JDK's trust store itself
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .callTimeout(connectTimeout.plus(readTimeout))
        .retryOnConnectionFailure(false); // we retry, and count, ourselves
    proxy.ifPresentOrElse(p -> {
      builder.proxySelector(p.selector());
      p.authorization().ifPresent(credentials -> builder.proxyAuthenticator((route, response) ->
          // asked before each CONNECT and on a 407; a second 407 means the credentials are wrong: stop
          response.request().header("Proxy-Authorization") != null ? null
              : response.request().newBuilder().header("Proxy-Authorization", credentials).build()));
    }, () -> builder.proxy(Proxy.NO_PROXY));
    return builder.build();
  }

  /** The client of {@link #withoutTls} with our TLS: OkHttp's default connection specs, the JDK's trust. */
  public static OkHttpClient withTls(OkHttpClient plain, ClientTls trust) {
    return plain.newBuilder()
        .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT)) // OkHttp's defaults
        .sslSocketFactory(trust.newSocketFactory(), trust.trustManager())
        .build();
  }

  /** Lets the JVM exit at once: OkHttp's threads and pooled connections would otherwise linger. */
  public static void release(OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
