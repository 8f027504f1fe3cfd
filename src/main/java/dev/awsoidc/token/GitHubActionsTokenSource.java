package dev.awsoidc.token;

import dev.awsoidc.tls.ClientSocketFactory;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The GitHub Actions runner's ID token endpoint: {@code GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=<aud>} with
 * {@code Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN}, answering {@code {"value": "<jwt>"}}.
 *
 * <p>5xx, 429 and I/O failures are retried with backoff; 4xx answers are final (a 401 will not get better).
 */
public final class GitHubActionsTokenSource implements IdTokenSource {
  public static final String URL_VARIABLE = "ACTIONS_ID_TOKEN_REQUEST_URL";
  public static final String TOKEN_VARIABLE = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
  private static final JsonFactory JSON = new JsonFactory();

  private final HttpUrl url;
  private final String requestToken;
  private final OkHttpClient http;
  private final int maxAttempts;
  private final Backoff backoff;
  private final Optional<Instant> deadline;
  private final Consumer<String> onToken;

  /**
   * @param onToken called with the raw token the moment it arrives, before anything else: the place to mask it
   */
  public GitHubActionsTokenSource(HttpUrl url, String requestToken, OkHttpClient http, int maxAttempts,
      Backoff backoff, Optional<Instant> deadline, Consumer<String> onToken) {
    this.url = url;
    this.requestToken = requestToken;
    this.http = http;
    this.maxAttempts = Math.max(1, maxAttempts);
    this.backoff = backoff;
    this.deadline = deadline;
    this.onToken = onToken;
  }

  /** The token URL with {@code audience} added as a proper query parameter, whether or not it has a query. */
  public static HttpUrl tokenUrl(Map<String, String> environment, String audience)
      throws IdTokenUnavailableException {
    List<String> missing = new ArrayList<>();
    String url = environment.get(URL_VARIABLE);
    if (url == null || url.isBlank()) missing.add(URL_VARIABLE);
    String token = environment.get(TOKEN_VARIABLE);
    if (token == null || token.isBlank()) missing.add(TOKEN_VARIABLE);
    if (!missing.isEmpty()) throw new IdTokenUnavailableException(missing);
    HttpUrl parsed = HttpUrl.parse(url.strip());
    if (parsed == null) {
      throw new IdTokenUnavailableException(List.of(URL_VARIABLE + " (not an http(s) URL)"));
    }
    return parsed.newBuilder().setQueryParameter("audience", audience).build();
  }

  public static String requestToken(Map<String, String> environment) {
    return environment.getOrDefault(TOKEN_VARIABLE, "").strip();
  }

  @Override
  public String description() {
    return "the GitHub Actions ID token endpoint " + endpoint();
  }

  private String endpoint() {
    return url.newBuilder().query(null).build().toString();
  }

  @Override
  public IdToken fetch() throws TokenRequestException {
    Request request = new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + requestToken)
        .header("Accept", "application/json")
        .get()
        .build();
    for (int attempt = 1; ; attempt++) {
      Attempt result = attempt(request, attempt);
      if (result.token != null) return result.token;
      TokenRequestException failure = result.failure;
      if (!result.transientFailure || attempt >= maxAttempts) throw failure;
      Duration delay = backoff.delayBefore(attempt - 1);
      if (deadline.isPresent() && Instant.now().plus(delay).isAfter(deadline.get())) throw failure;
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure;
      }
    }
  }

  private record Attempt(IdToken token, TokenRequestException failure, boolean transientFailure) {}

  private Attempt attempt(Request request, int attempt) {
    try (Response response = http.newCall(request).execute()) {
      int status = response.code();
      if (!response.isSuccessful()) {
        boolean retry = status >= 500 || status == 429 || status == 408;
        return new Attempt(null, new TokenRequestException("the token endpoint answered HTTP " + status,
            status, attempt, endpoint(), null), retry);
      }
      Body body = readValue(response.body());
      if (body.token() == null) {
        String type = response.body() == null || response.body().contentType() == null ? "none"
            : response.body().contentType().toString();
        return new Attempt(null, new TokenRequestException("the token endpoint answered HTTP " + status + " with "
            + body.problem() + " (Content-Type: " + type + ")", status, attempt, endpoint(), null), false);
      }
      String jwt = body.token();
      onToken.accept(jwt);
      JwtClaims claims;
      try {
        claims = JwtClaims.decode(jwt);
      } catch (JwtClaims.MalformedTokenException e) {
        return new Attempt(null, new TokenRequestException("the token endpoint returned a token that "
            + e.reason(), status, attempt, endpoint(), null), false);
      }
      return new Attempt(new IdToken(jwt, claims), null, false);
    } catch (SSLException e) {
      // OkHttp checks the host name itself, after the handshake: that is a certificate problem too, not retried
      if (!(e instanceof SSLPeerUnverifiedException) && http.sslSocketFactory() instanceof ClientSocketFactory groups
          && groups.retryWithAllGroups(e)) {
        return attempt(request, attempt); // a server without X25519: this time every group is offered
      }
      if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
        // a certificate the JVM does not trust will not be trusted on the next attempt either
        return new Attempt(null, new TokenRequestException("the TLS handshake with the token endpoint failed ("
            + e.getMessage() + ")", 0, attempt, endpoint(), e), false);
      }
      return unreachable(e, attempt);
    } catch (InterruptedIOException e) {
      return new Attempt(null, new TokenRequestException("no answer from the token endpoint in time ("
          + e.getMessage() + ")", 0, attempt, endpoint(), e), true);
    } catch (IOException e) {
      return unreachable(e, attempt);
    }
  }

  private Attempt unreachable(IOException e, int attempt) {
    // OkHttp's words for a proxy that answered 407 to the credentials we have (or to none): not worth a retry
    boolean proxyRefusedLogin = e.getMessage() != null && e.getMessage().contains("authenticate with proxy");
    return new Attempt(null, new TokenRequestException("could not reach the token endpoint ("
        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", proxyRefusedLogin ? 407 : 0, attempt,
        endpoint(), e), !proxyRefusedLogin);
  }

  /** The token, or why there is none, in words that never quote the body (it may hold a token). */
  private record Body(String token, String problem) {}

  /** The top-level {@code value} field; unknown fields are skipped. */
  private static Body readValue(ResponseBody body) throws IOException {
    if (body == null) return new Body(null, "an empty body");
    try (JsonParser parser = JSON.createParser(body.byteStream())) {
      JsonToken first = parser.nextToken();
      if (first == null) return new Body(null, "an empty body");
      if (first != JsonToken.START_OBJECT) return new Body(null, "JSON that is not an object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("value".equals(name)) {
          String text = value == JsonToken.VALUE_STRING ? parser.getText() : "";
          return text.isBlank() ? new Body(null, "a 'value' field that is not a token") : new Body(text, null);
        }
        parser.skipChildren();
      }
      return new Body(null, "JSON without a 'value' field");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Body(null, "a body that is not JSON");
    }
  }
}
