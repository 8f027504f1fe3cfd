package dev.awsoidc.sts;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import dev.awsoidc.proxy.HttpProxy;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import javax.net.ssl.HttpsURLConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;

/**
 * {@code sts:AssumeRoleWithWebIdentity} through the AWS SDK for Java v2. The call is unsigned (the web identity
 * token is the credential), so the client gets anonymous credentials. Transport is the JDK's
 * {@code HttpURLConnection} client: one call per run needs no connection pool, and Apache or Netty would only
 * add classes to load at start-up.
 */
public final class WebIdentityExchange implements AutoCloseable {
  /** STS answers these when the identity provider could not be reached; worth another attempt. */
  private static final Predicate<Throwable> IDP_UNREACHABLE = failure ->
      failure instanceof AwsServiceException service
          && service.awsErrorDetails() != null
          && "IDPCommunicationError".equals(service.awsErrorDetails().errorCode());

  private final StsClient client;
  private final StsClientSettings settings;

  public WebIdentityExchange(StsClientSettings settings) {
    this.settings = settings;
    RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(settings.maxAttempts())
        .retryOnException(IDP_UNREACHABLE)
        .build();
    var builder = StsClient.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .httpClient(urlConnectionClient(settings))
        .overrideConfiguration(override -> override.retryStrategy(retries)
            .defaultProfileFile(emptyProfileFile())
            .defaultProfileName("default"));
    settings.endpoint().ifPresent(builder::endpointOverride);
    this.client = builder.build();
  }

  /**
   * The SDK's {@code HttpURLConnection} client with our own connections: the builder offers no way to pass a socket
   * factory, only trust managers, from which it would build a second {@code SSLContext}. The proxy is ours
   * ({@link HttpProxy}), not the SDK's own lookup, so that STS and the token request go the same way.
   */
  private static SdkHttpClient urlConnectionClient(StsClientSettings settings) {
    Optional<Authenticator> proxyLogin = settings.proxy().flatMap(WebIdentityExchange::proxyLogin);
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

  private static HttpURLConnection openConnection(URI uri, Proxy proxy) {
    try {
      return (HttpURLConnection) uri.toURL().openConnection(proxy);
    } catch (IOException e) {
      throw SdkClientException.create("could not open a connection to " + uri, e);
    }
  }

  /**
   * @param budget how long this call may take, retries included; empty for the client's own limit. The caller
   *     bounds it by the token's expiry, so the SDK never retries with a token that has run out.
   */
  public AwsSession assume(RoleRequest role, String webIdentityToken, Optional<Duration> budget)
      throws StsCallException {
    AssumeRoleWithWebIdentityRequest.Builder request = AssumeRoleWithWebIdentityRequest.builder()
        .roleArn(role.roleArn())
        .roleSessionName(role.sessionName())
        .durationSeconds(role.durationSeconds())
        .webIdentityToken(webIdentityToken);
    budget.ifPresent(limit -> request.overrideConfiguration(o -> o.apiCallTimeout(limit)));
    role.inlineSessionPolicy().ifPresent(request::policy);
    if (!role.managedSessionPolicyArns().isEmpty()) {
      request.policyArns(role.managedSessionPolicyArns().stream()
          .map(arn -> PolicyDescriptorType.builder().arn(arn).build())
          .toList());
    }
    AssumeRoleWithWebIdentityResponse response;
    try {
      response = client.assumeRoleWithWebIdentity(request.build());
    } catch (SdkException failure) {
      throw translate(failure);
    }
    var credentials = response.credentials();
    return new AwsSession(
        AwsCredentials.temporary(credentials.accessKeyId(), credentials.secretAccessKey(),
            credentials.sessionToken(), credentials.expiration()),
        response.assumedRoleUser().arn(),
        Optional.ofNullable(response.subjectFromWebIdentityToken()));
  }

  private StsCallException translate(SdkException failure) {
    if (failure instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String message = details == null || details.errorMessage() == null ? service.getMessage()
          : details.errorMessage();
      return new StsCallException(code, message, service.statusCode(), service.requestId(),
          settings.endpointDescription(), false, failure);
    }
    if (failure instanceof ApiCallTimeoutException) {
      return new StsCallException(null, "no final answer within the time allowed", 0, null,
          settings.endpointDescription(), true, failure);
    }
    // no answer from STS: connection refused, DNS, timeout, TLS
    String message = Optional.ofNullable(rootCause(failure).getMessage()).orElse(failure.getClass().getSimpleName());
    return new StsCallException(null, failure.getMessage() + " (" + message + ")", 0, null,
        settings.endpointDescription(), false, failure);
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause;
  }

  private static ProfileFile emptyProfileFile() {
    return ProfileFile.builder()
        .content(new ByteArrayInputStream(new byte[0]))
        .type(ProfileFile.Type.CONFIGURATION)
        .build();
  }

  @Override
  public void close() {
    client.close();
  }
}
