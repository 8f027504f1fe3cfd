package dev.awsoidc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.token.IdToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code claims}: what a token says about the job, to write or debug a trust policy. Prints the header's
 * {@code alg}, {@code kid} and {@code typ} and every payload claim, never the token or its signature.
 */
final class ClaimsCommand implements Command {
  private static final JsonFactory JSON = new JsonFactory();
  private static final List<String> HEADER_FIELDS = List.of("alg", "kid", "typ");
  /** Shown first, in this order; the rest follow in the token's order. */
  private static final List<String> FIRST = List.of("iss", "aud", "sub");
  /** Epoch-seconds claims, also shown as ISO-8601 times. */
  private static final List<String> TIMES = List.of("exp", "iat", "nbf", "auth_time");

  private final Streams streams;

  ClaimsCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public String name() {
    return "claims";
  }

  @Override
  public String summary() {
    return "print an ID token's claims (iss, aud, sub, ...), never the token itself";
  }

  @Override
  public String description() {
    return """
        Prints the claims of the ID token that assume would use: iss, aud and sub (what IAM checks, as
        ISSUER:aud and ISSUER:sub), exp/iat/nbf also as times, and the CI system's own claims (GitHub repository,
        ref, environment, job_workflow_ref, event_name; GitLab project_path, ref_type, ref, environment,
        pipeline_source; Cognito token_use, cognito:username, client_id). The signature and the token itself are
        never printed. The token comes from the GitHub runner when its variables are set (for --audience), else
        from a --web-identity-token-* option.""";
  }

  @Override
  public List<OptionSpec> options() {
    List<OptionSpec> specs = new ArrayList<>();
    specs.add(OptionSpec.value("audience", "AUD", "audience requested from the GitHub runner (default: "
        + "sts.amazonaws.com)"));
    specs.addAll(TokenOptions.specs());
    specs.add(OptionSpec.value("output", "text|json", "text for people, json for scripts (default: text)"));
    return specs;
  }

  @Override
  public int run(ParsedOptions options) throws UsageException {
    String output = options.get("output").orElse("text");
    if (!output.equals("text") && !output.equals("json")) {
      throw new UsageException("--output '" + output + "' is not a format: use text or json");
    }
    TokenChoice choice = TokenOptions.choose(options, streams.environment());
    Decoded decoded;
    try {
      IdToken token = TokenReader.read(choice, options.get("audience").orElse("sts.amazonaws.com"), streams);
      decoded = decode(token.value());
    } catch (TokenReader.TokenReadException e) {
      streams.err().println("error: " + e.getMessage());
      return Cli.FAILURE;
    } catch (IOException | IllegalArgumentException e) {
      streams.err().println("error: the token from " + TokenReader.describe(choice) + " has a header or payload "
          + "that is not a JSON object: give the ID token itself");
      return Cli.FAILURE;
    }
    streams.out().print(output.equals("json") ? json(decoded) : text(decoded, Instant.now()));
    streams.out().flush();
    return Cli.OK;
  }

  /** The header fields shown and every claim, in display order. Values: String, Number, Boolean, List, Map. */
  record Decoded(Map<String, Object> header, Map<String, Object> claims) {}

  static Decoded decode(String jwt) throws IOException {
    String[] parts = jwt.split("\\.", -1);
    Map<String, Object> header = new LinkedHashMap<>();
    Map<String, Object> fullHeader = object(parts[0]);
    for (String field : HEADER_FIELDS) if (fullHeader.containsKey(field)) header.put(field, fullHeader.get(field));
    Map<String, Object> payload = object(parts[1]);
    Map<String, Object> claims = new LinkedHashMap<>();
    for (String name : FIRST) if (payload.containsKey(name)) claims.put(name, payload.get(name));
    claims.putAll(payload);
    return new Decoded(header, claims);
  }

  private static Map<String, Object> object(String base64url) throws IOException {
    byte[] json = Base64.getUrlDecoder().decode(base64url);
    try (JsonParser parser = JSON.createParser(new String(json, StandardCharsets.UTF_8))) {
      if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("not an object");
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) value(parser);
      return object;
    }
  }

  private static Object value(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          map.put(name, value(parser));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) list.add(value(parser));
        yield list;
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> parser.getText();
    };
  }

  static Optional<Instant> time(Object value) {
    return value instanceof Number number ? Optional.of(Instant.ofEpochSecond(number.longValue())) : Optional.empty();
  }

  static String text(Decoded decoded, Instant now) {
    StringBuilder out = new StringBuilder("header:\n");
    decoded.header().forEach((name, value) -> out.append("  ").append(name).append(": ").append(plain(value))
        .append('\n'));
    out.append("claims:\n");
    decoded.claims().forEach((name, value) -> {
      out.append("  ").append(name).append(": ").append(plain(value));
      if (TIMES.contains(name)) time(value).ifPresent(t -> out.append(" (").append(t).append(", ")
          .append(relative(t, now)).append(')'));
      out.append('\n');
    });
    return out.toString();
  }

  private static String relative(Instant time, Instant now) {
    Duration d = Duration.between(now, time);
    String span = human(d.abs());
    return d.isNegative() ? span + " ago" : "in " + span;
  }

  private static String human(Duration d) {
    if (d.toDays() > 0) return d.toDays() + "d " + d.toHoursPart() + "h";
    if (d.toHours() > 0) return d.toHours() + "h " + d.toMinutesPart() + "m";
    if (d.toMinutes() > 0) return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    return d.toSeconds() + "s";
  }

  private static String plain(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> s;
      case List<?> list when list.stream().allMatch(v -> v instanceof String) ->
          list.stream().map(String::valueOf).collect(Collectors.joining(", "));
      case List<?> list -> compact(list);
      case Map<?, ?> map -> compact(map);
      default -> String.valueOf(value);
    };
  }

  /** {@code {"header": {...}, "claims": {...}, "times": {"exp": "2026-...Z", ...}}}. */
  static String json(Decoded decoded) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeFieldName("header");
      write(json, decoded.header());
      json.writeFieldName("claims");
      write(json, decoded.claims());
      json.writeObjectFieldStart("times");
      for (String name : TIMES) {
        Optional<Instant> time = time(decoded.claims().get(name));
        if (time.isPresent()) json.writeStringField(name, time.get().toString());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  private static String compact(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      write(json, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case String s -> json.writeString(s);
      case Boolean b -> json.writeBoolean(b);
      case java.math.BigInteger n -> json.writeNumber(n);
      case java.math.BigDecimal n -> json.writeNumber(n);
      case Long n -> json.writeNumber(n);
      case Integer n -> json.writeNumber(n);
      case Number n -> json.writeNumber(n.doubleValue());
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (var entry : map.entrySet()) {
          json.writeFieldName(String.valueOf(entry.getKey()));
          write(json, entry.getValue());
        }
        json.writeEndObject();
      }
      case List<?> list -> {
        json.writeStartArray();
        for (Object item : list) write(json, item);
        json.writeEndArray();
      }
      default -> json.writeString(String.valueOf(value));
    }
  }
}
