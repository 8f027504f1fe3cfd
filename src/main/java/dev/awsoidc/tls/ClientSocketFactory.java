package dev.awsoidc.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS sockets of our two HTTP clients (OkHttp for the token, the SDK's {@code HttpURLConnection} client for
 * STS). Certificate checking is the JDK's own and is not touched; two things differ from the JDK's factory:
 *
 * <p><b>TCP_NODELAY</b>, as curl, Go and Node set it. Without it, the request written right after the handshake
 * waits in the kernel until the server acknowledges the client's {@code Finished}, which a server that has nothing
 * to send delays by up to 40 ms (Nagle's algorithm meeting delayed ACKs): measured, 35 ms on every token request.
 *
 * <p><b>Only the X25519 group in the first handshake</b>, and every group the JDK enables in any later one. The
 * JDK's ClientHello carries two key shares, one for x25519 and one for secp256r1, and in a fresh JVM the P-256 one
 * costs ~50 ms (its precomputed tables are built on first use). GitHub's token service and AWS STS negotiate
 * X25519, so the second share is wasted work. A server without X25519 fails that first handshake (a JDK server
 * answers {@code unexpected_message}, others {@code handshake_failure}) instead of asking for another group; the
 * next handshake offers the JDK's full list again: the token source retries it at once
 * ({@link #retryWithAllGroups}), the SDK on its own retry. Anyone who sets {@code jdk.tls.namedGroups} gets
 * exactly that list.
 *
 * <p>One instance per client and server: "first" is the first socket this factory makes.
 */
public final class ClientSocketFactory extends SSLSocketFactory {
  static final String X25519 = "x25519";
  static final String GROUPS_PROPERTY = "jdk.tls.namedGroups";

  private final SSLSocketFactory delegate;
  private final boolean narrowFirst;
  private final AtomicBoolean firstMade = new AtomicBoolean();
  private final AtomicBoolean retryGranted = new AtomicBoolean();
  private volatile boolean firstNarrowed;

  public ClientSocketFactory(SSLSocketFactory delegate) {
    this.delegate = delegate;
    this.narrowFirst = System.getProperty(GROUPS_PROPERTY) == null;
  }

  /**
   * Whether a failed handshake deserves one more attempt at once: the first handshake offered x25519 alone, the
   * failure was not about the certificate (that would fail again), and no such retry was granted yet.
   */
  public boolean retryWithAllGroups(SSLException failure) {
    return firstNarrowed && !isCertificateProblem(failure) && retryGranted.compareAndSet(false, true);
  }

  private static boolean isCertificateProblem(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException) return true;
    }
    return false;
  }

  private Socket prepare(Socket socket) throws IOException {
    socket.setTcpNoDelay(true); // on a layered socket, this sets the connection's own socket
    if (narrowFirst && socket instanceof SSLSocket ssl && firstMade.compareAndSet(false, true)) {
      SSLParameters parameters = ssl.getSSLParameters();
      String[] groups = parameters.getNamedGroups();
      if (groups != null && groups.length > 1 && List.of(groups).contains(X25519)) {
        parameters.setNamedGroups(new String[] {X25519});
        ssl.setSSLParameters(parameters);
        firstNarrowed = true;
      }
    }
    return socket;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket() throws IOException {
    return prepare(delegate.createSocket());
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
    return prepare(delegate.createSocket(socket, host, port, autoClose));
  }

  @Override
  public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) throws IOException {
    return prepare(delegate.createSocket(socket, consumed, autoClose));
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return prepare(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return prepare(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return prepare(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return prepare(delegate.createSocket(address, port, localAddress, localPort));
  }
}
