package dev.awsoidc.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The payload of a JWT, decoded without checking the signature: STS checks it; we only read the claims to
 * explain failures and to know when the token expires. Claims are not secret, the token is.
 */
public final class JwtClaims {
  private static final JsonFactory JSON = new JsonFactory();
  private final Map<String, List<String>> claims;

  private JwtClaims(Map<String, List<String>> claims) {
    this.claims = claims;
  }

  public static JwtClaims empty() {
    return new JwtClaims(Map.of());
  }

  /** Decodes the middle part of {@code header.payload.signature}. */
  public static JwtClaims decode(String jwt) throws MalformedTokenException {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) throw new MalformedTokenException("a JWT has three dot-separated parts, this has "
        + parts.length);
    byte[] payload;
    try {
      payload = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new MalformedTokenException("the payload is not base64url");
    }
    Map<String, List<String>> claims = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(new String(payload, StandardCharsets.UTF_8))) {
      if (parser.nextToken() != JsonToken.START_OBJECT) throw new MalformedTokenException("the payload is not a JSON object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_ARRAY) {
          List<String> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken().isScalarValue()) items.add(parser.getText());
            else parser.skipChildren();
          }
          claims.put(name, List.copyOf(items));
        } else if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
          claims.put(name, List.of(parser.getText()));
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new MalformedTokenException("the payload is not valid JSON");
    }
    return new JwtClaims(Map.copyOf(claims));
  }

  public Optional<String> get(String name) {
    List<String> values = claims.getOrDefault(name, List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
  }

  public Optional<String> issuer() {
    return get("iss");
  }

  public List<String> audiences() {
    return claims.getOrDefault("aud", List.of());
  }

  public Optional<String> subject() {
    return get("sub");
  }

  public Optional<Instant> expiresAt() {
    return get("exp").flatMap(JwtClaims::epochSeconds);
  }

  private static Optional<Instant> epochSeconds(String value) {
    try {
      return Optional.of(Instant.ofEpochSecond((long) Double.parseDouble(value)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Not a JWT we can read. The message never contains the token. */
  public static final class MalformedTokenException extends Exception {
    public MalformedTokenException(String message) {
      super(message);
    }
  }
}
