package dev.awsoidc.sts;

import dev.awsoidc.proxy.HttpProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Every STS client the action builds, signed or not, comes from here, so each builder choice is made once: our
 * retry policy, our connections (TLS, proxy, timeouts), and nothing looked up on the SDK's own (no profile
 * files). Transport is the JDK's {@code HttpURLConnection} client: a few calls per run need no connection pool,
 * and Apache or Netty would only add classes to load at start-up.
 */
public final class StsClients {
  /** STS answers this when the identity provider could not be reached; worth another attempt. */
  private static final Predicate<Throwable> IDP_UNREACHABLE = failure ->
      failure instanceof AwsServiceException service
          && service.awsErrorDetails() != null
          && "IDPCommunicationError".equals(service.awsErrorDetails().errorCode());

  /**
   * An answer cut off mid-body: the SDK retries an IOException only as the direct cause, but here it sits under
   * the XML parser's exception, and the SDK would call the answer malformed and give up.
   */
  private static final Predicate<Throwable> CUT_OFF = failure -> failure instanceof SdkClientException
      && StsCallException.causedBy(failure, IOException.class);

  private StsClients() {}

  /** @param credentials anonymous for AssumeRoleWithWebIdentity; the source credentials for signed calls */
  public static StsClient build(StsClientSettings settings, AwsCredentialsProvider credentials) {
    RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(settings.maxAttempts())
        .retryOnException(IDP_UNREACHABLE)
        .retryOnException(CUT_OFF)
        .build();
    var builder = StsClient.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .httpClient(transport(urlConnectionClient(settings),
            !(credentials instanceof AnonymousCredentialsProvider)))
        .overrideConfiguration(override -> override.retryStrategy(retries)
            .defaultProfileFile(emptyProfileFile())
            .defaultProfileName("default"));
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * The SDK's {@code HttpURLConnection} client with our own connections: the builder offers no way to pass a socket
   * factory, only trust managers, from which it would build a second {@code SSLContext}. The proxy is ours
   * ({@link HttpProxy}), not the SDK's own lookup, so that STS and the token request go the same way.
   */
  private static SdkHttpClient urlConnectionClient(StsClientSettings settings) {
    Optional<Authenticator> proxyLogin = settings.proxy().flatMap(StsClients::proxyLogin);
    return UrlConnectionHttpClient.create(uri -> {
      Proxy via = settings.proxy().map(proxy -> proxy.proxyFor(uri)).orElse(Proxy.NO_PROXY);
      HttpURLConnection connection = openConnection(uri, via);
      connection.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
      connection.setReadTimeout(Math.toIntExact(settings.readTimeout().toMillis()));
      if (connection instanceof HttpsURLConnection https) {
        settings.socketFactory().ifPresent(https::setSSLSocketFactory);
      }
      if (via != Proxy.NO_PROXY) proxyLogin.ifPresent(connection::setAuthenticator);
      return connection;
    });
  }

  /**
   * The proxy's user and password, answered to the proxy only (never a request header, which would travel inside
   * the tunnel to STS). The JDK refuses Basic for CONNECT tunnels unless told otherwise; it reads that setting
   * once, when it opens its first HTTP connection, which is later than this.
   */
  private static Optional<Authenticator> proxyLogin(HttpProxy proxy) {
    if (proxy.username().isEmpty()) return Optional.empty();
    System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    PasswordAuthentication login = new PasswordAuthentication(proxy.username().get(),
        proxy.password().orElse("").toCharArray());
    return Optional.of(new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return getRequestorType() == RequestorType.PROXY ? login : null;
      }
    });
  }

  /**
   * The SDK's HTTP client with two of our rules on top.
   *
   * <p>A certificate the JVM does not trust (unknown CA, expired, for another host) will not be trusted on the
   * next attempt either, and the SDK retries every IOException: so end the call, not just the attempt. The
   * exception the SDK sees has no cause (its retry predicates walk the causes); the handshake failure is kept as
   * suppressed.
   *
   * <p>An unsigned call (AssumeRoleWithWebIdentity) has no signature whose time could be off, yet the SDK looks
   * for clock skew in every 401 and 403 it gets by parsing the answer's {@code Date} header, with java.time's
   * RFC 1123 formatter, whose first use loads locale data: ~15 ms on the path that reports a refused token, for a
   * correction that cannot apply. The unsigned client's error answers reach the SDK without that header.
   */
  static SdkHttpClient transport(SdkHttpClient client, boolean signed) {
    return new SdkHttpClient() {
      @Override
      public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest prepared = client.prepareRequest(request);
        return new ExecutableHttpRequest() {
          @Override
          public HttpExecuteResponse call() throws IOException {
            HttpExecuteResponse response;
            try {
              response = prepared.call();
            } catch (SSLException e) {
              if (!StsCallException.isCertificateProblem(e)) throw e;
              NonRetryableException untrusted = NonRetryableException.builder()
                  .message("the TLS handshake failed on the server's certificate (" + e.getMessage() + ")").build();
              untrusted.addSuppressed(e);
              throw untrusted;
            }
            if (signed || response.httpResponse().isSuccessful()) return response;
            return HttpExecuteResponse.builder()
                .response(response.httpResponse().toBuilder().removeHeader("Date").build())
                .responseBody(response.responseBody().orElse(null))
                .build();
          }

          @Override
          public void abort() {
            prepared.abort();
          }
        };
      }

      @Override
      public String clientName() {
        return client.clientName();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  private static HttpURLConnection openConnection(URI uri, Proxy proxy) {
    try {
      return (HttpURLConnection) uri.toURL().openConnection(proxy);
    } catch (IOException e) {
      throw SdkClientException.create("could not open a connection to " + uri, e);
    }
  }

  private static ProfileFile emptyProfileFile() {
    return ProfileFile.builder()
        .content(new ByteArrayInputStream(new byte[0]))
        .type(ProfileFile.Type.CONFIGURATION)
        .build();
  }

  /** What one SDK call returns; it may throw the SDK's exceptions. */
  @FunctionalInterface
  interface Call<T> {
    T run();
  }

  /**
   * Makes the call; when STS still throttles after the SDK's attempts, waits and makes it again, a few rounds at
   * most. Throttling says "later", not "no": hundreds of jobs fanned out at once by one workflow must all get
   * through, and the action's deadline ({@code action-timeout-s}) still bounds the whole run.
   */
  static <T> T call(String operation, String endpoint, Call<T> call) throws StsCallException {
    int earlier = 0;
    for (int round = 1; ; round++) {
      try {
        return call.run();
      } catch (SdkException failure) {
        StsCallException e = StsCallException.from(failure, operation, endpoint);
        e.earlierAttempts(earlier);
        earlier = e.attempts();
        boolean throttled = e.errorCode().filter(THROTTLING::contains).isPresent();
        if (!throttled || round >= THROTTLED_ROUNDS) throw e;
        try {
          // full jitter, so the jobs of one fan-out do not come back together
          Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(500, 3000L * round));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Rounds of the SDK's attempts for a call that STS keeps throttling. */
  static final int THROTTLED_ROUNDS = 3;
  private static final java.util.Set<String> THROTTLING =
      java.util.Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded");
}
