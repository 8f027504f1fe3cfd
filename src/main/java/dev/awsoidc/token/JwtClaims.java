package dev.awsoidc.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The payload of a JWT, decoded without checking the signature: STS checks it; we only read the claims to
 * explain failures and to know when the token expires. Claims are not secret, the token is.
 *
 * <p>Whatever the input, decoding is bounded: the token's length is checked before anything else, and the
 * header and payload sizes before they are decoded, so a huge or hostile value costs little time and memory.
 */
public final class JwtClaims {
  /** No ID token comes near this; GitHub's are about 1 KiB, Kubernetes' about 1 KiB, GitLab's about 1.5 KiB. */
  public static final int MAX_TOKEN_CHARS = 64 * 1024;
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024;
  public static final int MAX_HEADER_BYTES = 4 * 1024;
  private static final JsonFactory JSON = new JsonFactory();
  private static final String CHECK_TOKEN = "check that it holds the OIDC ID token itself (header.payload.signature,"
      + " base64url), not an access token, a file name or a quoted or JSON-wrapped value";

  private final Map<String, List<String>> claims;

  private JwtClaims(Map<String, List<String>> claims) {
    this.claims = claims;
  }

  public static JwtClaims empty() {
    return new JwtClaims(Map.of());
  }

  /**
   * Decodes the middle part of {@code header.payload.signature}. The exception's message says what is wrong
   * with "the token", never its text.
   */
  public static JwtClaims decode(String jwt) throws MalformedTokenException {
    return decode(jwt, null);
  }

  /**
   * As {@link #decode(String)}, with a message that names where the token came from ({@code source}, e.g. a
   * source's {@link IdTokenSource#description()}) and the fix.
   */
  public static JwtClaims decode(String jwt, String source) throws MalformedTokenException {
    try {
      return decodeChecked(jwt);
    } catch (Refusal refusal) {
      throw new MalformedTokenException(refusal.reason, refusal.fix, source);
    }
  }

  private static JwtClaims decodeChecked(String jwt) throws Refusal {
    if (jwt == null || jwt.isEmpty()) throw new Refusal("is empty", CHECK_TOKEN);
    if (jwt.length() > MAX_TOKEN_CHARS) {
      throw new Refusal("is " + jwt.length() + " characters long; an ID token is a few kilobytes (at most "
          + MAX_TOKEN_CHARS + " accepted)", CHECK_TOKEN);
    }
    int dots = 0;
    for (int i = 0; i < jwt.length(); i++) {
      char c = jwt.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!isBase64Url(c)) {
        // the position, never the character: it could be part of a secret
        String kind = c > 127 ? "a non-ASCII character" : Character.isWhitespace(c) ? "whitespace"
            : Character.isISOControl(c) ? "a control character" : "a character that base64url does not use";
        throw new Refusal("is not a JWT: it contains " + kind + " at position " + (i + 1) + " of " + jwt.length()
            + " (a JWT is ASCII letters, digits, '-', '_' and two dots)", CHECK_TOKEN);
      }
    }
    if (dots == 4) {
      throw new Refusal("is an encrypted token (JWE, five dot-separated parts), not a signed JWT",
          "STS accepts only signed ID tokens: configure the issuer to sign, not encrypt, its ID tokens");
    }
    if (dots != 2) {
      throw new Refusal("is not a JWT: it has " + (dots + 1) + " dot-separated part" + (dots == 0 ? "" : "s")
          + ", a JWT has three (header.payload.signature)", CHECK_TOKEN);
    }
    int firstDot = jwt.indexOf('.');
    int secondDot = jwt.indexOf('.', firstDot + 1);
    String header = jwt.substring(0, firstDot);
    String payload = jwt.substring(firstDot + 1, secondDot);
    String signature = jwt.substring(secondDot + 1);

    Map<String, List<String>> headerFields = readObject(decodePart(header, "header", MAX_HEADER_BYTES), "header");
    String alg = headerFields.getOrDefault("alg", List.of()).stream().findFirst().orElse("");
    if (alg.isEmpty()) {
      throw new Refusal("has no \"alg\" in its header, so it is not a signed JWT",
          "STS accepts only signed ID tokens; " + CHECK_TOKEN);
    }
    if (alg.toLowerCase(Locale.ROOT).equals("none")) {
      throw new Refusal("is unsigned (its header says \"alg\": \"none\")",
          "STS refuses unsigned tokens too: the issuer must sign its ID tokens (RS256 or ES256)");
    }
    if (signature.isEmpty()) {
      throw new Refusal("has an empty signature (the part after the second dot)",
          "STS accepts only signed ID tokens; " + CHECK_TOKEN);
    }
    return new JwtClaims(Map.copyOf(readObject(decodePart(payload, "payload", MAX_PAYLOAD_BYTES), "payload")));
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
        || c == '=';
  }

  /** Refuses a part too large before decoding it: base64 turns 3 bytes into 4 characters. */
  private static byte[] decodePart(String part, String name, int maxBytes) throws Refusal {
    long bytes = (long) part.length() * 3 / 4;
    if (bytes > maxBytes) {
      throw new Refusal("has a " + name + " of about " + bytes + " bytes; an ID token's " + name + " is a few "
          + "hundred bytes (at most " + maxBytes + " accepted)", CHECK_TOKEN);
    }
    if (part.isEmpty()) throw new Refusal("is not a JWT: its " + name + " is empty", CHECK_TOKEN);
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new Refusal("is not a JWT: its " + name + " is not valid base64url", CHECK_TOKEN);
    }
  }

  /** The top-level fields of a JSON object: scalars as text, arrays as their scalar items, the rest skipped. */
  private static Map<String, List<String>> readObject(byte[] json, String name) throws Refusal {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new Refusal("is not a JWT: its " + name + " is " + (first == null ? "empty" : "JSON but not an "
            + "object (" + kind(first) + ")"), CHECK_TOKEN);
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_ARRAY) {
          List<String> items = new ArrayList<>();
          for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
            if (item.isScalarValue()) items.add(parser.getText());
            else parser.skipChildren();
          }
          fields.put(field, List.copyOf(items));
        } else if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
          fields.put(field, List.of(parser.getText()));
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Jackson's message may quote the payload: not repeated here
      throw new Refusal("is not a JWT: its " + name + " is not valid UTF-8 JSON", CHECK_TOKEN);
    }
    return fields;
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
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

  /**
   * False when the token has no numeric {@code exp} claim. Such a token is still decoded and sent (STS's answer
   * is the authority), but STS requires {@code exp}: the diagnosis of its refusal says so.
   */
  public boolean hasExpiry() {
    return expiresAt().isPresent();
  }

  private static Optional<Instant> epochSeconds(String value) {
    try {
      double seconds = Double.parseDouble(value);
      if (!Double.isFinite(seconds)) return Optional.empty();
      return Optional.of(Instant.ofEpochSecond((long) Math.max(Math.min(seconds, Instant.MAX.getEpochSecond()),
          Instant.MIN.getEpochSecond())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static final class Refusal extends Exception {
    final String reason;
    final String fix;

    Refusal(String reason, String fix) {
      super(reason, null, false, false);
      this.reason = reason;
      this.fix = fix;
    }
  }

  /**
   * Not a JWT we can read. The message never contains the token: it is "the token &lt;reason&gt;", or, when the
   * source is known, "The ID token from &lt;source&gt; &lt;reason&gt;. &lt;fix&gt;.".
   */
  public static final class MalformedTokenException extends Exception {
    private final String reason;
    private final String fix;

    public MalformedTokenException(String message) {
      this(message, "", null);
    }

    MalformedTokenException(String reason, String fix, String source) {
      super(source == null ? "the token " + reason : "The ID token from " + source + " " + reason
          + (fix.isEmpty() ? "." : ": " + fix + "."));
      this.reason = reason;
      this.fix = fix;
    }

    /** What is wrong, as a phrase that follows "the token", e.g. "is unsigned (...)". */
    public String reason() {
      return reason;
    }

    /** What to change. */
    public String fix() {
      return fix;
    }
  }
}
