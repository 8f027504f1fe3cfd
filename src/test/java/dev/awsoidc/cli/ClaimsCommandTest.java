package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsoidc.testing.OidcIssuer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code claims} on RS256 tokens signed by the local issuer, from every source; never the token itself. */
class ClaimsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static OidcIssuer issuer;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    issuer = OidcIssuer.start();
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertNoSecret(Run run, String token) {
    String signature = token.substring(token.lastIndexOf('.') + 1);
    for (String printed : List.of(run.out(), run.err())) {
      assertFalse(printed.contains(token), "the token was printed");
      assertFalse(printed.contains(signature), "the signature was printed");
      assertFalse(printed.contains(token.substring(0, token.indexOf('.'))), "the encoded header was printed");
    }
  }

  @Test
  void gitHubClaimsFromAFileAsText() throws Exception {
    issuer.withEnvironment("prod");
    String token = issuer.issueToken("sts.amazonaws.com");
    issuer.withEnvironment(null);
    Path file = dir.resolve("token");
    Files.writeString(file, token + "\n");
    Run run = run(Map.of(), "", "claims", "--web-identity-token-file", file.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.err());
    assertNoSecret(run, token);
    List<String> lines = run.out().lines().toList();
    assertEquals("header:", lines.get(0));
    assertEquals("  alg: RS256", lines.get(1));
    assertEquals("  kid: " + issuer.keyId(), lines.get(2));
    int claims = lines.indexOf("claims:");
    assertEquals(List.of("  iss: " + issuer.issuerUrl(), "  aud: sts.amazonaws.com",
        "  sub: repo:octo-org/octo-repo:environment:prod"), lines.subList(claims + 1, claims + 4));
    for (String claim : List.of("repository: octo-org/octo-repo", "ref: refs/heads/main", "environment: prod",
        "event_name: push", "job_workflow_ref: octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main")) {
      assertTrue(lines.contains("  " + claim), claim + " in\n" + run.out());
    }
    String exp = lines.stream().filter(l -> l.startsWith("  exp: ")).findFirst().orElseThrow();
    long epoch = Long.parseLong(exp.substring(7, exp.indexOf(' ', 7)));
    assertTrue(exp.contains("(" + Instant.ofEpochSecond(epoch) + ", in 4m "), exp);
  }

  @Test
  void gitLabClaimsFromAVariableAsJson() throws Exception {
    issuer.withSubject("project_path:my-group/my-project:ref_type:branch:ref:main")
        .withClaim("project_path", "my-group/my-project").withClaim("ref_type", "branch")
        .withClaim("pipeline_source", "push").withClaim("namespace_path", "my-group");
    String token;
    try {
      token = issuer.issueToken("https://gitlab.com");
    } finally {
      issuer.withSubject(null).withClaim("project_path", null).withClaim("ref_type", null)
          .withClaim("pipeline_source", null).withClaim("namespace_path", null);
    }
    Run run = run(Map.of("AWS_ID_TOKEN", token), "", "claims", "--web-identity-token-env", "AWS_ID_TOKEN",
        "--output", "json");
    assertEquals(0, run.exit(), run.err());
    assertNoSecret(run, token);
    JsonNode json = JSON.readTree(run.out());
    assertEquals("RS256", json.get("header").get("alg").asText());
    assertEquals(List.of("alg", "kid", "typ"), names(json.get("header")));
    JsonNode claims = json.get("claims");
    assertEquals(List.of("iss", "aud", "sub"), names(claims).subList(0, 3));
    assertEquals("project_path:my-group/my-project:ref_type:branch:ref:main", claims.get("sub").asText());
    assertEquals("my-group/my-project", claims.get("project_path").asText());
    assertEquals("push", claims.get("pipeline_source").asText());
    assertTrue(claims.get("exp").isNumber());
    assertEquals(Instant.ofEpochSecond(claims.get("exp").asLong()).toString(), json.get("times").get("exp").asText());
    assertEquals(Instant.ofEpochSecond(claims.get("nbf").asLong()).toString(), json.get("times").get("nbf").asText());
  }

  @Test
  void cognitoClaimsFromStdin() throws Exception {
    issuer.withSubject("3f1c0b6e-0000-4000-8000-000000000001").withClaim("token_use", "id")
        .withClaim("cognito:username", "alice").withClaim("cognito:groups", List.of("admins", "ops"));
    String token;
    try {
      token = issuer.issueToken("4abc1defclient");
    } finally {
      issuer.withSubject(null).withClaim("token_use", null).withClaim("cognito:username", null)
          .withClaim("cognito:groups", null);
    }
    Run run = run(Map.of(), token + "\n", "claims", "--web-identity-token-stdin");
    assertEquals(0, run.exit(), run.err());
    assertNoSecret(run, token);
    assertTrue(run.out().contains("\n  aud: 4abc1defclient\n"), run.out());
    List<String> lines = run.out().lines().toList();
    for (String claim : List.of("token_use: id", "cognito:username: alice", "cognito:groups: admins, ops")) {
      assertTrue(lines.contains("  " + claim), claim + " in\n" + run.out());
    }
  }

  @Test
  void fromTheGitHubRunnerWithTheAudienceAsked() throws Exception {
    Map<String, String> env = Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", issuer.tokenEndpointUrl(),
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", issuer.requestToken());
    Run run = run(env, "", "claims", "--audience", "my-audience", "--output", "json");
    assertEquals(0, run.exit(), run.err());
    assertEquals("my-audience", JSON.readTree(run.out()).get("claims").get("aud").asText());
    String served = issuer.servedTokens().getLast();
    assertNoSecret(run, served);
    assertFalse(run.out().contains(issuer.requestToken()) || run.err().contains(issuer.requestToken()));

    Run refused = run(Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", issuer.tokenEndpointUrl(),
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong"), "", "claims");
    assertEquals(1, refused.exit());
    assertEquals("", refused.out());
    assertTrue(refused.err().startsWith("error: the GitHub token request"), refused.err());
    assertTrue(refused.err().contains("401"), refused.err());
  }

  @Test
  void unreadableTokensFailWithTheSourceAndNothingOnStdout() throws Exception {
    Run missing = run(Map.of(), "", "claims", "--web-identity-token-file", dir.resolve("nope").toString());
    assertEquals(1, missing.exit());
    assertEquals("", missing.out());
    assertTrue(missing.err().startsWith("error: ") && missing.err().contains(dir.resolve("nope").toString()),
        missing.err());

    Run unset = run(Map.of(), "", "claims", "--web-identity-token-env", "AWS_ID_TOKEN");
    assertEquals(1, unset.exit());
    assertTrue(unset.err().contains("AWS_ID_TOKEN") && unset.err().contains("id_tokens"), unset.err());

    String notAJwt = "this-is-a-secret-but-not-a-jwt";
    Run garbage = run(Map.of("T", notAJwt), "", "claims", "--web-identity-token-env", "T");
    assertEquals(1, garbage.exit());
    assertEquals("", garbage.out());
    assertFalse(garbage.err().contains(notAJwt), garbage.err());

    Run bad = run(Map.of(), "", "claims", "--web-identity-token-stdin", "--output", "yaml");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--output 'yaml'"), bad.err());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
