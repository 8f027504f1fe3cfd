package dev.awsoidc.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.OidcIssuer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file, CI-variable and stdin sources, with RS256 tokens signed by the test OIDC issuer. */
class TokenSourcesTest {
  private static OidcIssuer issuer;
  @TempDir Path dir;

  @BeforeAll
  static void startIssuer() {
    issuer = OidcIssuer.start().withSubject("system:serviceaccount:ci:deployer");
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  private static void assertNeverShows(String token, IdTokenSource source, Exception e) {
    assertFalse(e.getMessage().contains(token), e.getMessage());
    assertFalse(source.description().contains(token));
    for (String part : token.split("\\.")) {
      if (part.length() >= 8) assertFalse(e.getMessage().contains(part), e.getMessage());
    }
  }

  @Test
  void theFileIsReadAgainOnEveryFetch() throws Exception {
    String first = issuer.issueToken("sts.amazonaws.com");
    Path file = Files.writeString(dir.resolve("token"), first + "\n");
    List<String> seen = new ArrayList<>();
    FileTokenSource source = new FileTokenSource(file, seen::add);
    IdToken token = source.fetch();
    assertEquals(first, token.value());
    assertEquals("system:serviceaccount:ci:deployer", token.claims().subject().orElseThrow());
    assertEquals(List.of("sts.amazonaws.com"), token.claims().audiences());
    String rotated = issuer.issueToken("sts.amazonaws.com");
    assertNotEquals(first, rotated);
    Files.writeString(file, rotated);
    assertEquals(rotated, source.fetch().value(), "the rotated token");
    assertEquals(List.of(first, rotated), seen, "each token handed over for masking before use");
    assertEquals("the web identity token file " + file, source.description());
  }

  @Test
  void aFileThatIsNotAJwtNamesTheFileNotTheContent() throws Exception {
    String secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    Path file = Files.writeString(dir.resolve("token"), secret);
    FileTokenSource source = new FileTokenSource(file);
    IdTokenUnavailableException e = assertThrows(IdTokenUnavailableException.class, source::fetch);
    assertEquals("The ID token from the web identity token file " + file + " is not a JWT: it has 1 dot-separated "
        + "part, a JWT has three (header.payload.signature): check that it holds the OIDC ID token itself "
        + "(header.payload.signature, base64url), not an access token, a file name or a quoted or JSON-wrapped "
        + "value.", e.getMessage());
    assertNeverShows(secret, source, e);
  }

  @Test
  void aVariableHoldsTheToken() throws Exception {
    String jwt = issuer.issueToken("sts.amazonaws.com");
    List<String> seen = new ArrayList<>();
    VariableTokenSource source = new VariableTokenSource("AWS_ID_TOKEN", Map.of("AWS_ID_TOKEN", " " + jwt + "\n"),
        seen::add);
    assertEquals(jwt, source.fetch().value());
    assertEquals(List.of(jwt), seen);
    assertEquals("the CI variable AWS_ID_TOKEN", source.description());
  }

  @Test
  void anUnsetOrEmptyVariableShowsTheGitLabYaml() {
    String expectedYaml = " (aud is the audience your IAM OIDC provider expects):\n"
        + "  id_tokens:\n"
        + "    GITLAB_OIDC_TOKEN:\n"
        + "      aud: sts.amazonaws.com";
    IdTokenUnavailableException unset = assertThrows(IdTokenUnavailableException.class,
        () -> new VariableTokenSource("GITLAB_OIDC_TOKEN", Map.of()).fetch());
    assertEquals("The CI variable GITLAB_OIDC_TOKEN that should hold the ID token is not set. In GitLab CI, ask for "
        + "the token in the job in .gitlab-ci.yml" + expectedYaml, unset.getMessage());
    assertFalse(unset.missingPermission());
    IdTokenUnavailableException empty = assertThrows(IdTokenUnavailableException.class,
        () -> new VariableTokenSource("GITLAB_OIDC_TOKEN", Map.of("GITLAB_OIDC_TOKEN", "  ")).fetch());
    assertTrue(empty.getMessage().startsWith("The CI variable GITLAB_OIDC_TOKEN that should hold the ID token is "
        + "empty."), empty.getMessage());
  }

  @Test
  void anUnsignedTokenInAVariableIsRefused() {
    String none = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"project_path:g/p:ref_type:branch:ref:main\"}") + ".";
    VariableTokenSource source = new VariableTokenSource("ID_TOKEN", Map.of("ID_TOKEN", none));
    IdTokenUnavailableException e = assertThrows(IdTokenUnavailableException.class, source::fetch);
    assertTrue(e.getMessage().startsWith("The ID token from the CI variable ID_TOKEN is unsigned"), e.getMessage());
    assertNeverShows(none, source, e);
  }

  private static String b64(String text) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void stdinIsReadOnceAndEveryFetchGetsThatToken() throws Exception {
    String jwt = issuer.issueToken("sts.amazonaws.com");
    CountingStream in = new CountingStream(jwt + "\n");
    StdinTokenSource source = new StdinTokenSource(in);
    IdToken first = source.fetch();
    assertEquals(jwt, first.value());
    assertSame(first, source.fetch());
    assertEquals(1, in.reads, "read to the end once");
    assertEquals("standard input", source.description());
  }

  @Test
  void stdinEmptyHugeOrBrokenGivesAClearMessage() {
    IdTokenUnavailableException empty = assertThrows(IdTokenUnavailableException.class,
        () -> new StdinTokenSource(InputStream.nullInputStream()).fetch());
    assertEquals("Standard input was empty: pipe the ID token in, e.g. printf '%s' \"$ID_TOKEN\" | ...",
        empty.getMessage());
    // endless input: at most MAX_BYTES + 1 are read
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 'a';
      }
    };
    StdinTokenSource huge = new StdinTokenSource(endless);
    IdTokenUnavailableException tooLarge = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertThrows(IdTokenUnavailableException.class, huge::fetch));
    assertEquals("Standard input holds more than 65536 bytes; an ID token is a JWT of a few kilobytes. Pipe in the "
        + "token alone.", tooLarge.getMessage());
    assertSame(tooLarge, assertThrows(IdTokenUnavailableException.class, huge::fetch), "the same failure again");
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("Bad file descriptor");
      }
    };
    assertTrue(assertThrows(IdTokenUnavailableException.class, () -> new StdinTokenSource(broken).fetch())
        .getMessage().startsWith("Could not read the ID token from standard input (IOException)"));
    String notJwt = "s3cr3t-not-a-jwt-value";
    StdinTokenSource garbage = new StdinTokenSource(new ByteArrayInputStream(notJwt.getBytes(StandardCharsets.UTF_8)));
    IdTokenUnavailableException e = assertThrows(IdTokenUnavailableException.class, garbage::fetch);
    assertTrue(e.getMessage().startsWith("The ID token from standard input is not a JWT"), e.getMessage());
    assertNeverShows(notJwt, garbage, e);
  }

  /** Counts how often the source went back to the stream after reaching its end. */
  private static final class CountingStream extends ByteArrayInputStream {
    int reads;

    CountingStream(String text) {
      super(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      int n = super.read(b, off, len);
      if (n < 0) reads++;
      return n;
    }
  }
}
