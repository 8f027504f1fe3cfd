package dev.awsoidc.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
}
