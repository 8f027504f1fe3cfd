package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsoidc.testing.OidcIssuer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code trust-policy} on the command line: output on stdout, warnings and errors on stderr, exit codes. */
class TrustPolicyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(args, env, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static void assertUsage(Run run, String fragment) {
    assertEquals(2, run.exit(), run.err());
    assertEquals("", run.out());
    assertTrue(run.err().contains(fragment), run.err());
  }

  @Test
  void aNarrowPolicyHasNoWarning() throws Exception {
    Run run = run("trust-policy", "--github-repo", "octo-org/octo-repo", "--branch", "main", "--account-id",
        "111122223333", "--role-name", "deploy-main");
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.err());
    JsonNode json = JSON.readTree(run.out());
    assertEquals("deploy-main", json.get("RoleName").asText());
    assertEquals("repo:octo-org/octo-repo:ref:refs/heads/main", json.get("AssumeRolePolicyDocument").get("Statement")
        .get(0).get("Condition").get("StringEquals").get("token.actions.githubusercontent.com:sub").asText());
  }

  @Test
  void broadPatternsPrintWarningLinesOnStderr() {
    Run run = run("trust-policy", "--github-repo", "octo-org/*", "--output", "terraform");
    assertEquals(0, run.exit());
    assertTrue(run.err().startsWith("warning: 'repo:octo-org/*' trusts every branch"), run.err());
    assertTrue(run.out().startsWith("# One provider per account"), run.out());
    Run gitlab = run("trust-policy", "--gitlab-project", "g/p", "--output", "terraform");
    assertTrue(gitlab.err().startsWith("warning: 'project_path:g/p:*' trusts every branch and tag"), gitlab.err());
  }

  @Test
  void usageErrorsNameTheOptionAndTheFix() {
    assertUsage(run("trust-policy", "--github-repo", "o/r"), "--output json needs --account-id");
    assertUsage(run("trust-policy", "--account-id", "111122223333"), "give one of --github-repo");
    assertUsage(run("trust-policy", "--github-repo", "o/r", "--gitlab-project", "g/p", "--output", "terraform"),
        "--github-repo and --gitlab-project cannot be combined");
    assertUsage(run("trust-policy", "--gitlab-project", "g/p", "--environment", "prod", "--output", "terraform"),
        "--environment applies to GitHub only");
    assertUsage(run("trust-policy", "--github-repo", "o/r", "--ref-type", "branch", "--output", "terraform"),
        "--ref-type does not apply with --github-repo");
    assertUsage(run("trust-policy", "--gitlab-project", "g/p", "--ref", "main", "--output", "terraform"),
        "--ref and --ref-type go together");
    assertUsage(run("trust-policy", "--cognito-user-pool", "us-east-1_AbC", "--output", "terraform"),
        "needs --cognito-client-id");
    assertUsage(run("trust-policy", "--github-repo", "o/r", "--output", "yaml"), "--output 'yaml'");
    assertUsage(run("trust-policy", "--github-repo", "o/r", "--ref", "main", "--output", "terraform"),
        "--branch main");
    assertUsage(run("trust-policy", "--github-repo", "o/r", "--account-id", "1234", "--branch", "main"),
        "--account-id '1234'");
  }

  @Test
  void fromTokenAdmitsExactlyThatJob() throws Exception {
    try (OidcIssuer issuer = OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start()) {
      issuer.withEnvironment("prod");
      String token = issuer.issueToken("sts.amazonaws.com");
      Run run = run(Map.of("ID_TOKEN", token), "trust-policy", "--from-token", "--web-identity-token-env",
          "ID_TOKEN", "--output", "policy", "--account-id", "111122223333");
      assertEquals(0, run.exit(), run.err());
      assertEquals("", run.err());
      String provider = "token.actions.githubusercontent.com";
      JsonNode statement = JSON.readTree(run.out()).get("Statement").get(0);
      assertEquals("arn:aws:iam::111122223333:oidc-provider/" + provider,
          statement.get("Principal").get("Federated").asText());
      JsonNode exact = statement.get("Condition").get("StringEquals");
      assertEquals("sts.amazonaws.com", exact.get(provider + ":aud").asText());
      assertEquals("repo:octo-org/octo-repo:environment:prod", exact.get(provider + ":sub").asText());

      assertUsage(run(Map.of("ID_TOKEN", token), "trust-policy", "--from-token", "--web-identity-token-env",
          "ID_TOKEN", "--audience", "other", "--output", "terraform"), "--audience 'other' is not one of");
      try (OidcIssuer plain = OidcIssuer.start()) {
        Run http = run(Map.of("ID_TOKEN", plain.issueToken("aud")), "trust-policy", "--from-token",
            "--web-identity-token-env", "ID_TOKEN", "--output", "terraform");
        assertEquals(0, http.exit());
        assertTrue(http.err().startsWith("warning: the token's issuer 'http://127.0.0.1:"), http.err());
      }
      Run noToken = run(Map.of(), "trust-policy", "--from-token", "--web-identity-token-env", "ID_TOKEN",
          "--output", "terraform");
      assertEquals(1, noToken.exit());
      assertEquals("", noToken.out());
    }
  }
}
