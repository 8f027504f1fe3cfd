package dev.awsoidc.tls;

import java.util.concurrent.CompletableFuture;

/**
 * The run's {@link ClientTls}, loaded at most once: in the background from the moment the run knows it will talk
 * https ({@link #start}), or else on first use ({@link #get}). A run whose endpoints are all plain HTTP, and the
 * post step, never load the trust store: that set-up is ~100 ms of CPU, and on two vCPUs it slows everything else.
 */
public final class TlsSetup {
  private CompletableFuture<ClientTls> loading;

  /** Starts loading in the background, unless already started. */
  public synchronized TlsSetup start() {
    if (loading == null) loading = ClientTls.loadInBackground();
    return this;
  }

  /**
   * The loaded TLS set-up, waiting for it (and starting it first if nobody did).
   *
   * @throws java.util.concurrent.CompletionException if the trust store could not be loaded
   */
  public ClientTls get() {
    CompletableFuture<ClientTls> started;
    synchronized (this) {
      started = start().loading;
    }
    return started.join();
  }
}
