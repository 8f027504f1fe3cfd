package dev.awsoidc.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes with a JDK TLS server on 127.0.0.1, one that accepts X25519 and one that does not. */
class ClientSocketFactoryTest {
  @TempDir Path certificates;
  private TestCertificates tls;
  private final ExecutorService server = Executors.newCachedThreadPool();

  @BeforeEach
  void certificates() throws IOException {
    tls = TestCertificates.create(certificates);
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private ClientSocketFactory factory() {
    return new ClientSocketFactory(tls.clientContext().getSocketFactory());
  }

  @Test
  void theFirstSocketOffersOnlyX25519AndLaterOnesEveryGroupTheJdkEnables() throws IOException {
    ClientSocketFactory factory = factory();
    try (SSLSocket first = (SSLSocket) factory.createSocket(); SSLSocket second = (SSLSocket) factory.createSocket()) {
      assertArrayEquals(new String[] {"x25519"}, first.getSSLParameters().getNamedGroups());
      List<String> all = List.of(second.getSSLParameters().getNamedGroups());
      assertTrue(all.containsAll(List.of("x25519", "secp256r1", "secp384r1")), all.toString());
    }
  }

  @Test
  void everySocketSendsWithoutNaglesDelayIncludingTheConnectionUnderALayeredOne() throws Exception {
    int port = serve(null, 1);
    ClientSocketFactory factory = factory();
    try (Socket unconnected = factory.createSocket()) {
      assertTrue(unconnected.getTcpNoDelay());
    }
    // OkHttp and HttpURLConnection connect a plain socket and layer TLS over it
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
      assertFalse(plain.getTcpNoDelay(), "the JDK's default, which this test relies on");
      try (Socket layered = factory.createSocket(plain, "localhost", port, true)) {
        assertTrue(layered.getTcpNoDelay());
        assertTrue(plain.getTcpNoDelay());
      }
    }
  }

  @Test
  void aServerWithX25519CompletesTheFirstHandshake() throws Exception {
    int port = serve(null, 1);
    ClientSocketFactory factory = factory();
    handshake(factory, port);
  }

  @Test
  void aServerWithoutX25519FailsTheFirstHandshakeAndAcceptsTheNext() throws Exception {
    int port = serve(new String[] {"secp256r1", "secp384r1"}, 2);
    ClientSocketFactory factory = factory();
    SSLException failure = assertThrows(SSLException.class, () -> handshake(factory, port));
    assertTrue(factory.retryWithAllGroups(failure), failure.toString());
    handshake(factory, port);
    assertFalse(factory.retryWithAllGroups(failure), "one retry only");
  }

  @Test
  void aCertificateProblemIsNotRetried() throws Exception {
    ClientSocketFactory factory = factory();
    factory.createSocket().close(); // the first socket: narrowed
    var untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find valid certification path"));
    assertFalse(factory.retryWithAllGroups(untrusted));
    assertTrue(factory.retryWithAllGroups(new SSLHandshakeException("Received fatal alert: handshake_failure")));
  }

  @Test
  void anExplicitGroupListIsLeftAlone() throws IOException {
    String before = System.getProperty(ClientSocketFactory.GROUPS_PROPERTY);
    System.setProperty(ClientSocketFactory.GROUPS_PROPERTY, "secp384r1,x25519");
    try {
      ClientSocketFactory factory = factory();
      try (SSLSocket first = (SSLSocket) factory.createSocket()) {
        assertFalse(List.of(first.getSSLParameters().getNamedGroups()).equals(List.of("x25519")));
      }
      assertFalse(factory.retryWithAllGroups(new SSLHandshakeException("handshake_failure")));
    } finally {
      if (before == null) System.clearProperty(ClientSocketFactory.GROUPS_PROPERTY);
      else System.setProperty(ClientSocketFactory.GROUPS_PROPERTY, before);
    }
  }

  /** A TLS server for {@code connections} connections that accepts only {@code groups} (null: the JDK's). */
  private int serve(String[] groups, int connections) throws IOException {
    SSLServerSocket socket = (SSLServerSocket) tls.serverContext().getServerSocketFactory()
        .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
    if (groups != null) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setNamedGroups(groups);
      socket.setSSLParameters(parameters);
    }
    server.submit(() -> {
      try (socket) {
        for (int i = 0; i < connections; i++) {
          try (SSLSocket client = (SSLSocket) socket.accept()) {
            client.startHandshake();
            client.getOutputStream().write('.');
            client.getOutputStream().flush();
          } catch (IOException expected) {
            // the handshake the server refuses
          }
        }
      }
      return null;
    });
    return socket.getLocalPort();
  }

  private static void handshake(SSLSocketFactory factory, int port) throws IOException {
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
         SSLSocket socket = (SSLSocket) factory.createSocket(plain, "localhost", port, true)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      assertEquals('.', socket.getInputStream().read());
    }
  }
}
