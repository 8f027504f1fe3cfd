package dev.awsoidc.tls;

import java.security.KeyStore;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for both HTTP clients: the JDK's default trust (the {@code cacerts} store, or
 * {@code javax.net.ssl.trustStore}), loaded once and in the background ({@link TlsSetup} says when). Cold TLS
 * set-up is the largest start-up cost, and the SDK and OkHttp would otherwise each load the trust store themselves. The
 * {@code SSLContext}'s own set-up (provider and cipher-suite tables, ~10 ms cold) needs no trust store, so it runs
 * on a second thread meanwhile. Certificate checking is the JDK's own.
 */
public record ClientTls(SSLContext context, X509TrustManager trustManager) {

  public static CompletableFuture<ClientTls> loadInBackground() {
    return inBackground("tls-setup", ClientTls::load);
  }

  private static ClientTls load() throws Exception {
    CompletableFuture<SSLContext> uninitialized = inBackground("tls-context", () -> SSLContext.getInstance("TLS"));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    X509TrustManager trustManager = null;
    for (TrustManager candidate : factory.getTrustManagers()) {
      if (candidate instanceof X509TrustManager x509) trustManager = x509;
    }
    if (trustManager == null) throw new IllegalStateException("the JDK offers no X.509 trust manager");
    SSLContext context = uninitialized.join();
    context.init(null, new TrustManager[] {trustManager}, null);
    context.getSocketFactory(); // the first call does the rest of the set-up
    return new ClientTls(context, trustManager);
  }

  private static <T> CompletableFuture<T> inBackground(String name, Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name(name).start(() -> {
      try {
        result.complete(work.call());
      } catch (Exception | LinkageError e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** A socket factory for one client that talks to one server; see {@link ClientSocketFactory}. */
  public ClientSocketFactory newSocketFactory() {
    return new ClientSocketFactory(context.getSocketFactory());
  }
}
