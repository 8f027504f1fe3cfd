package dev.awsoidc.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtClaimsTest {
  private static String jwt(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  @Test
  void readsGitHubsClaimShape() throws Exception {
    JwtClaims claims = JwtClaims.decode(jwt("""
        {"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com",
         "sub":"repo:octo-org/octo-repo:environment:prod","environment":"prod","run_id":"42",
         "exp":1700000300,"iat":1700000000,"nested":{"x":[1,2]},"nothing":null}"""));
    assertEquals("https://token.actions.githubusercontent.com", claims.issuer().orElseThrow());
    assertEquals(List.of("sts.amazonaws.com"), claims.audiences());
    assertEquals("repo:octo-org/octo-repo:environment:prod", claims.subject().orElseThrow());
    assertEquals(Instant.ofEpochSecond(1700000300), claims.expiresAt().orElseThrow());
    assertTrue(claims.get("nested").isEmpty());
    assertTrue(claims.get("nothing").isEmpty());
  }

  @Test
  void audienceMayBeAList() throws Exception {
    assertEquals(List.of("a", "b"), JwtClaims.decode(jwt("{\"aud\":[\"a\",\"b\"]}")).audiences());
  }

  @Test
  void expiryMargin() throws Exception {
    IdToken token = new IdToken("t", JwtClaims.decode(jwt("{\"exp\":1000}")));
    assertTrue(token.expiresWithin(Duration.ofSeconds(30), Instant.ofEpochSecond(975)));
    assertFalse(token.expiresWithin(Duration.ofSeconds(30), Instant.ofEpochSecond(960)));
    assertFalse(new IdToken("t", JwtClaims.empty()).expiresWithin(Duration.ofDays(1), Instant.now()));
    assertFalse(token.toString().contains("t,"));
  }

  @Test
  void notAJwt() {
    assertThrows(JwtClaims.MalformedTokenException.class, () -> JwtClaims.decode("abc"));
    assertThrows(JwtClaims.MalformedTokenException.class, () -> JwtClaims.decode("a.!!!.c"));
    assertThrows(JwtClaims.MalformedTokenException.class, () -> JwtClaims.decode(jwt("[1]")));
  }

  private static final String SOURCE = "the web identity token file /t";

  /** The refusal's message, checked to name the source and never to contain the token or its parts. */
  private static String refusal(String token) {
    JwtClaims.MalformedTokenException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThrows(JwtClaims.MalformedTokenException.class, () -> JwtClaims.decode(token, SOURCE)));
    assertTrue(e.getMessage().startsWith("The ID token from " + SOURCE + " "), e.getMessage());
    for (String part : token.split("\\.")) {
      if (part.length() >= 8) assertFalse(e.getMessage().contains(part), "never the token: " + e.getMessage());
    }
    return e.getMessage();
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void notThreeParts() {
    assertEquals("The ID token from " + SOURCE + " is not a JWT: it has 1 dot-separated part, a JWT has three "
        + "(header.payload.signature): check that it holds the OIDC ID token itself (header.payload.signature, "
        + "base64url), not an access token, a file name or a quoted or JSON-wrapped value.",
        refusal("ghs_notajwtatallbutasecret"));
    assertTrue(refusal("aaaaaaaaaa.bbbbbbbbbb").contains("it has 2 dot-separated parts"));
    assertTrue(refusal("a.b.c.d").contains("it has 4 dot-separated parts"));
    assertTrue(refusal("a.b.c.d.e").contains("is an encrypted token (JWE"));
    assertTrue(refusal("").contains(" is empty"));
  }

  @Test
  void charactersAJwtCannotHave() {
    String valid = jwt("{\"sub\":\"x\"}");
    assertTrue(refusal("\"" + valid + "\"").contains("contains a character that base64url does not use at "
        + "position 1 of "));
    assertTrue(refusal(valid.substring(0, 5) + "é" + valid.substring(5)).contains("contains a non-ASCII character "
        + "at position 6 of "));
    assertTrue(refusal(valid + "\n" + valid).contains("contains whitespace at position " + (valid.length() + 1)));
    assertTrue(refusal(valid.substring(0, 3) + "\0" + valid.substring(3)).contains("contains a control character"));
    assertTrue(refusal("Bearer " + valid).contains("whitespace at position 7"));
  }

  @Test
  void partsThatAreNotBase64UrlOrJson() {
    String header = b64("{\"alg\":\"RS256\"}");
    assertTrue(refusal(header + ".AAAAA.c2ln").contains("its payload is not valid base64url"));
    assertTrue(refusal("AAAAA." + b64("{}") + ".c2ln").contains("its header is not valid base64url"));
    assertTrue(refusal(header + "." + b64("not json at all") + ".c2ln").contains("its payload is not valid UTF-8 JSON"));
    assertTrue(refusal(header + "." + b64("{\"sub\":\"x\"") + ".c2ln").contains("is not valid UTF-8 JSON"),
        "truncated object");
    assertTrue(refusal(header + "." + b64("[\"a\",\"b\"]") + ".c2ln")
        .contains("its payload is JSON but not an object (an array)"));
    assertTrue(refusal(header + "." + b64("\"just a string\"") + ".c2ln").contains("not an object (a string)"));
    assertTrue(refusal(header + "." + b64("42") + ".c2ln").contains("not an object (a number)"));
    assertTrue(refusal(header + "." + b64("   ") + ".c2ln").contains("its payload is empty"));
    assertTrue(refusal(header + ".." + "c2ln").contains("its payload is empty"));
    byte[] notUtf8 = {'{', '"', 's', '"', ':', '"', (byte) 0xff, '"', '}'};
    assertTrue(refusal(header + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(notUtf8) + ".c2ln")
        .contains("is not valid UTF-8 JSON"));
    assertTrue(refusal(b64("{\"alg\":\"RS256\"") + "." + b64("{}") + ".c2ln").contains("its header is not valid"));
  }

  @Test
  void unsignedTokensAreRefusedAsStsWould() {
    String payload = b64("{\"sub\":\"repo:o/r:ref:refs/heads/main\",\"exp\":1}");
    String none = refusal(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".");
    assertEquals("The ID token from " + SOURCE + " is unsigned (its header says \"alg\": \"none\"): STS refuses "
        + "unsigned tokens too: the issuer must sign its ID tokens (RS256 or ES256).", none);
    assertTrue(refusal(b64("{\"alg\":\"NoNe\"}") + "." + payload + ".c2ln").contains("is unsigned"));
    assertTrue(refusal(b64("{\"typ\":\"JWT\"}") + "." + payload + ".c2ln").contains("has no \"alg\" in its header"));
    assertTrue(refusal(b64("{\"alg\":\"RS256\"}") + "." + payload + ".").contains("has an empty signature"));
  }

  @Test
  void hugePartsAreRefusedBeforeDecoding() {
    String header = b64("{\"alg\":\"RS256\"}");
    String bigPayload = b64("{\"x\":\"" + "a".repeat(JwtClaims.MAX_PAYLOAD_BYTES) + "\"}");
    assertTrue(refusal(header + "." + bigPayload + ".c2ln").contains("has a payload of about 16392 bytes; an ID "
        + "token's payload is a few hundred bytes (at most 16384 accepted)"));
    String bigHeader = b64("{\"alg\":\"RS256\",\"x\":\"" + "a".repeat(JwtClaims.MAX_HEADER_BYTES) + "\"}");
    assertTrue(refusal(bigHeader + "." + b64("{}") + ".c2ln").contains("has a header of about"));
    // 100 MB of text: refused on its length alone, in bounded time and memory
    String hundredMegabytes = "a".repeat(100 * 1024 * 1024);
    assertTrue(refusal(hundredMegabytes).contains("is 104857600 characters long; an ID token is a few kilobytes "
        + "(at most 65536 accepted)"));
  }

  @Test
  void deeplyNestedClaimsStayBounded() throws Exception {
    String nested = "[".repeat(5000) + "]".repeat(5000);
    String token = b64("{\"alg\":\"RS256\"}") + "." + b64("{\"sub\":\"x\",\"deep\":" + nested + "}") + ".c2ln";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      try {
        assertEquals("x", JwtClaims.decode(token, SOURCE).subject().orElseThrow());
      } catch (JwtClaims.MalformedTokenException e) {
        assertTrue(e.getMessage().contains("is not valid UTF-8 JSON"), e.getMessage()); // Jackson's depth limit
      }
    });
  }

  @Test
  void aTokenWithoutExpIsDecodedButFlagged() throws Exception {
    JwtClaims noExp = JwtClaims.decode(jwt("{\"sub\":\"system:serviceaccount:ns:sa\"}"), SOURCE);
    assertEquals("system:serviceaccount:ns:sa", noExp.subject().orElseThrow());
    assertFalse(noExp.hasExpiry());
    assertFalse(JwtClaims.decode(jwt("{\"exp\":\"tomorrow\"}")).hasExpiry(), "not a number");
    assertTrue(JwtClaims.decode(jwt("{\"exp\":1e400}")).expiresAt().isEmpty(), "not finite");
    assertTrue(JwtClaims.decode(jwt("{\"exp\":1700000000}")).hasExpiry());
  }

  @Test
  void nonAsciiClaimsAreFine() throws Exception {
    assertEquals("repo:zoë/☃:ref:refs/heads/main",
        JwtClaims.decode(jwt("{\"sub\":\"repo:zoë/☃:ref:refs/heads/main\"}")).subject().orElseThrow());
  }

  @Test
  void withoutASourceTheMessageSaysTheToken() {
    JwtClaims.MalformedTokenException e = assertThrows(JwtClaims.MalformedTokenException.class,
        () -> JwtClaims.decode("abc"));
    assertEquals("the token is not a JWT: it has 1 dot-separated part, a JWT has three (header.payload.signature)",
        e.getMessage());
    assertEquals("is not a JWT: it has 1 dot-separated part, a JWT has three (header.payload.signature)", e.reason());
  }
}
