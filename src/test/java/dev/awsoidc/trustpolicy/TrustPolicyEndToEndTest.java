package dev.awsoidc.trustpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.awsoidc.cli.Cli;
import dev.awsoidc.testing.OidcIssuer;
import dev.awsoidc.testing.StsEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The policy {@code trust-policy --output policy} prints, loaded as a role's trust policy into the STS emulator,
 * which evaluates it: the SDK's AssumeRoleWithWebIdentity is admitted with a token of the job the policy names,
 * and refused (AccessDenied) with a token of another branch, environment, project or app client.
 */
class TrustPolicyEndToEndTest {
  private static final String ACCOUNT = "111122223333";
  private static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/deploy";

  private StsEmulator sts;
  private StsClient client;
  private final List<OidcIssuer> issuers = new ArrayList<>();

  @BeforeEach
  void start() {
    sts = StsEmulator.builder().accountId(ACCOUNT).start();
    client = StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(sts.endpointUrl()))
        .credentialsProvider(AnonymousCredentialsProvider.create()).httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    sts.close();
    issuers.forEach(OidcIssuer::close);
  }

  private OidcIssuer issuer(OidcIssuer issuer) {
    issuers.add(issuer);
    return issuer;
  }

  /** The trust policy document, as the command line prints it (warnings must be none: these are narrow). */
  private static String policy(String... options) {
    List<String> args = new ArrayList<>(List.of("trust-policy", "--output", "policy", "--account-id", ACCOUNT));
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(args.toArray(String[]::new), Map.of(), new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private String assume(String token) {
    return client.assumeRoleWithWebIdentity(b -> b.roleArn(ROLE).roleSessionName("e2e").webIdentityToken(token))
        .subjectFromWebIdentityToken();
  }

  private void assertRefused(String token) {
    StsException refused = assertThrows(StsException.class, () -> assume(token));
    assertEquals(403, refused.statusCode());
    assertEquals("AccessDenied", refused.awsErrorDetails().errorCode());
  }

  @Test
  void gitHubBranchAndEnvironment() {
    OidcIssuer github = issuer(OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start());
    sts.registerProvider(github, "sts.amazonaws.com");
    sts.registerRole(ROLE, policy("--github-repo", "octo-org/octo-repo", "--branch", "main", "--environment", "prod"));

    assertEquals("repo:octo-org/octo-repo:ref:refs/heads/main", assume(github.issueToken("sts.amazonaws.com")));
    github.withEnvironment("prod");
    assertEquals("repo:octo-org/octo-repo:environment:prod", assume(github.issueToken("sts.amazonaws.com")));

    github.withEnvironment("staging");
    assertRefused(github.issueToken("sts.amazonaws.com"));
    github.withEnvironment(null).withRef("refs/heads/feature");
    assertRefused(github.issueToken("sts.amazonaws.com"));
    github.withRef("refs/heads/main").withEventName("pull_request");
    assertRefused(github.issueToken("sts.amazonaws.com"));
    github.withEventName("push").withRepository("octo-org/other-repo");
    assertRefused(github.issueToken("sts.amazonaws.com"));
  }

  @Test
  void gitHubWildcardBranchUsesStringLike() {
    OidcIssuer github = issuer(OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start());
    sts.registerProvider(github, "sts.amazonaws.com");
    sts.registerRole(ROLE, policy("--github-repo", "octo-org/octo-repo", "--branch", "release/*"));
    github.withRef("refs/heads/release/1.2");
    assertEquals("repo:octo-org/octo-repo:ref:refs/heads/release/1.2", assume(github.issueToken("sts.amazonaws.com")));
    github.withRef("refs/heads/main");
    assertRefused(github.issueToken("sts.amazonaws.com"));
  }

  @Test
  void gitLabSelfManagedProjectAndBranch() {
    String url = "https://gitlab.example.com";
    OidcIssuer gitlab = issuer(OidcIssuer.gitlab(url));
    sts.registerProvider(gitlab, url);
    sts.registerRole(ROLE, policy("--gitlab-project", "my-group/my-project", "--branch", "main", "--gitlab-url", url));

    assertEquals("project_path:my-group/my-project:ref_type:branch:ref:main", assume(gitlab.issueToken(url)));
    assertRefused(gitlab.newToken().audience(url)
        .subject("project_path:my-group/my-project:ref_type:branch:ref:feature").signed());
    assertRefused(gitlab.newToken().audience(url)
        .subject("project_path:my-group/other-project:ref_type:branch:ref:main").signed());
    assertRefused(gitlab.newToken().audience(url)
        .subject("project_path:my-group/my-project:ref_type:tag:ref:main").signed());
  }

  @Test
  void cognitoAppClient() {
    OidcIssuer cognito = issuer(OidcIssuer.cognito("eu-west-1", "eu-west-1_AbCdEf123"));
    // the provider knows both clients, so only the trust policy can tell them apart
    sts.registerProvider(cognito, OidcIssuer.COGNITO_CLIENT_ID, "another-app-client");
    sts.registerRole(ROLE, policy("--cognito-user-pool", "eu-west-1_AbCdEf123", "--cognito-client-id",
        OidcIssuer.COGNITO_CLIENT_ID));

    assume(cognito.issueToken(OidcIssuer.COGNITO_CLIENT_ID));
    assertRefused(cognito.issueToken("another-app-client"));
  }

  @Test
  void fromTokenAdmitsThatJobOnly() {
    OidcIssuer github = issuer(OidcIssuer.builder().issuerUrl(OidcIssuer.GITHUB_ISSUER).start());
    sts.registerProvider(github, "sts.amazonaws.com");
    github.withEnvironment("prod");
    String token = github.issueToken("sts.amazonaws.com");
    List<String> args = new ArrayList<>(List.of("trust-policy", "--from-token", "--web-identity-token-env", "T",
        "--output", "policy", "--account-id", ACCOUNT));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, Cli.run(args.toArray(String[]::new), Map.of("T", token), new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
    sts.registerRole(ROLE, out.toString(StandardCharsets.UTF_8));

    assertEquals("repo:octo-org/octo-repo:environment:prod", assume(github.issueToken("sts.amazonaws.com")));
    github.withEnvironment("staging");
    assertRefused(github.issueToken("sts.amazonaws.com"));
  }
}
