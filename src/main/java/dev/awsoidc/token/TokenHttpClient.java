package dev.awsoidc.token;

import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.tls.ClientTls;
import java.net.Proxy;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;

/** The OkHttp client for the runner's token endpoint: our TLS, our proxy, short timeouts, no retries of its own. */
public final class TokenHttpClient {
  private TokenHttpClient() {}

  public static OkHttpClient build(ClientTls trust, Optional<HttpProxy> proxy, Duration connectTimeout,
      Duration readTimeout) {
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .sslSocketFactory(trust.newSocketFactory(), trust.trustManager())
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

  /** Lets the JVM exit at once: OkHttp's threads and pooled connections would otherwise linger. */
  public static void release(OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
