package dev.awsoidc.trustpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsoidc.trustpolicy.TrustPolicy.GitLabRef;
import dev.awsoidc.trustpolicy.TrustPolicy.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy model and both renderers; the Terraform is evaluated by Terraform itself and compared to the JSON. */
class TrustPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Optional<String> ACCOUNT = Optional.of("111122223333");
  private static final String GH = "token.actions.githubusercontent.com";

  @TempDir Path dir;

  private static TrustPolicy github(List<String> repos, List<String> refs, List<String> environments, boolean pr)
      throws Exception {
    return TrustPolicy.of(new Source.GitHub(repos, refs, environments, pr, Optional.empty(), Optional.empty()),
        "deploy", ACCOUNT);
  }

  private static JsonNode document(TrustPolicy policy) throws Exception {
    return JSON.readTree(JsonRenderer.policyDocument(policy));
  }

  private static JsonNode condition(TrustPolicy policy) throws Exception {
    JsonNode statements = document(policy).get("Statement");
    assertEquals(1, statements.size());
    JsonNode statement = statements.get(0);
    assertEquals("Allow", statement.get("Effect").asText());
    assertEquals("sts:AssumeRoleWithWebIdentity", statement.get("Action").asText());
    assertEquals(policy.providerArn().orElseThrow(), statement.get("Principal").get("Federated").asText());
    return statement.get("Condition");
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) node.forEach(v -> values.add(v.asText()));
    else values.add(node.asText());
    return values;
  }

  @Test
  void gitHubExactSubjectsUseStringEqualsWithTheAudience() throws Exception {
    TrustPolicy policy = github(List.of("octo-org/octo-repo"), List.of("refs/heads/main", "refs/tags/v1"),
        List.of("prod"), true);
    JsonNode condition = condition(policy);
    assertEquals(List.of("StringEquals"), names(condition));
    assertEquals("sts.amazonaws.com", condition.get("StringEquals").get(GH + ":aud").asText());
    assertEquals(List.of("repo:octo-org/octo-repo:ref:refs/heads/main", "repo:octo-org/octo-repo:ref:refs/tags/v1",
        "repo:octo-org/octo-repo:environment:prod", "repo:octo-org/octo-repo:pull_request"),
        strings(condition.get("StringEquals").get(GH + ":sub")));
    assertEquals("arn:aws:iam::111122223333:oidc-provider/" + GH,
        document(policy).get("Statement").get(0).get("Principal").get("Federated").asText());
    assertEquals(List.of(), policy.warnings());
  }

  @Test
  void aWildcardMovesSubToStringLikeButAudStaysExact() throws Exception {
    TrustPolicy policy = github(List.of("octo-org/octo-repo"), List.of("refs/heads/release/*"), List.of(), false);
    JsonNode condition = condition(policy);
    assertEquals(List.of("StringEquals", "StringLike"), names(condition));
    assertEquals(List.of(GH + ":aud"), names(condition.get("StringEquals")));
    assertEquals("repo:octo-org/octo-repo:ref:refs/heads/release/*", condition.get("StringLike").get(GH + ":sub").asText());
  }

  @Test
  void patternsThatTrustTooMuchAreWarnedWithTheNarrowerOne() throws Exception {
    TrustPolicy anyRef = github(List.of("octo-org/octo-repo"), List.of(), List.of(), false);
    assertEquals(List.of("repo:octo-org/octo-repo:*"), anyRef.subjects());
    assertEquals(1, anyRef.warnings().size());
    assertTrue(anyRef.warnings().getFirst().contains("--branch main (repo:octo-org/octo-repo:ref:refs/heads/main)"),
        anyRef.warnings().toString());

    TrustPolicy org = github(List.of("octo-org/*"), List.of(), List.of(), false);
    assertTrue(org.warnings().getFirst().startsWith("'repo:octo-org/*' trusts every branch"), org.warnings().toString());
    assertTrue(org.warnings().getFirst().contains("--github-repo octo-org/REPO"), org.warnings().toString());
    // a ref narrows it, but every repository of the organisation is still trusted
    assertEquals(1, github(List.of("octo-org/*"), List.of("refs/heads/main"), List.of(), false).warnings().size());

    TrustPolicy everyone = github(List.of("*"), List.of(), List.of(), false);
    assertEquals(List.of("repo:*:*"), everyone.subjects());
    assertTrue(everyone.warnings().getFirst().contains("every owner on GitHub"), everyone.warnings().toString());

    TrustPolicy gitlabAny = TrustPolicy.of(new Source.GitLab(TrustPolicy.GITLAB_COM, List.of("g/p"), List.of(),
        Optional.empty()), "deploy", ACCOUNT);
    assertTrue(gitlabAny.warnings().getFirst().contains("--branch main (project_path:g/p:ref_type:branch:ref:main)"));
    TrustPolicy group = TrustPolicy.of(new Source.GitLab(TrustPolicy.GITLAB_COM, List.of("g/*"), List.of(),
        Optional.empty()), "deploy", ACCOUNT);
    assertTrue(group.warnings().getFirst().contains("every project under g/"), group.warnings().toString());
  }

  @Test
  void customisedSubWithJobWorkflowRef() throws Exception {
    String workflow = "octo-org/platform/.github/workflows/deploy.yml@refs/heads/main";
    TrustPolicy policy = TrustPolicy.of(new Source.GitHub(List.of("octo-org/octo-repo"), List.of(),
        List.of("prod"), false, Optional.of(workflow), Optional.empty()), "deploy", ACCOUNT);
    assertEquals(List.of("repo:octo-org/octo-repo:environment:prod:job_workflow_ref:" + workflow), policy.subjects());
    assertEquals("StringEquals", policy.subjectOperator());
    // every repository of the organisation, but only through that workflow: the README's central pattern
    TrustPolicy central = TrustPolicy.of(new Source.GitHub(List.of("octo-org/*"), List.of(), List.of(), false,
        Optional.of(workflow), Optional.empty()), "deploy", ACCOUNT);
    assertEquals(List.of("repo:octo-org/*:*:job_workflow_ref:" + workflow), central.subjects());
    assertEquals(List.of(), central.warnings());
    TrustPolicy anyOwner = TrustPolicy.of(new Source.GitHub(List.of("*"), List.of(), List.of(), false,
        Optional.of(workflow), Optional.empty()), "deploy", ACCOUNT);
    assertTrue(anyOwner.warnings().getFirst().contains("wherever they call that workflow"), anyOwner.warnings().toString());
    assertThrows(TrustPolicy.InvalidSourceException.class, () -> TrustPolicy.of(new Source.GitHub(
        List.of("o/r"), List.of(), List.of(), false, Optional.of("deploy.yml"), Optional.empty()), "deploy", ACCOUNT));
  }

  @Test
  void gitLabSelfManaged() throws Exception {
    TrustPolicy policy = TrustPolicy.of(new Source.GitLab("https://gitlab.example.com/", List.of("group/sub/project"),
        List.of(new GitLabRef("branch", "main"), new GitLabRef("tag", "v1.0")), Optional.empty()), "deploy", ACCOUNT);
    assertEquals("https://gitlab.example.com", policy.issuerUrl());
    assertEquals("https://gitlab.example.com", policy.audience());
    JsonNode exact = condition(policy).get("StringEquals");
    assertEquals("https://gitlab.example.com", exact.get("gitlab.example.com:aud").asText());
    assertEquals(List.of("project_path:group/sub/project:ref_type:branch:ref:main",
        "project_path:group/sub/project:ref_type:tag:ref:v1.0"), strings(exact.get("gitlab.example.com:sub")));
    var http = assertThrows(TrustPolicy.InvalidSourceException.class, () -> TrustPolicy.of(new Source.GitLab(
        "http://gitlab.example.com", List.of("g/p"), List.of(), Optional.empty()), "deploy", ACCOUNT));
    assertTrue(http.getMessage().startsWith("--gitlab-url"), http.getMessage());
  }

  @Test
  void cognitoPinsTheAppClient() throws Exception {
    TrustPolicy policy = TrustPolicy.of(new Source.Cognito("eu-west-1_AbCdEf123", "4abc1defclient", Optional.empty()),
        "deploy", ACCOUNT);
    assertEquals("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", policy.issuerUrl());
    String key = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123:aud";
    JsonNode condition = condition(policy);
    assertEquals(Map.of(key, "4abc1defclient"), JSON.convertValue(condition.get("StringEquals"), Map.class));
    assertEquals(List.of("StringEquals"), names(condition));
    assertEquals("arn:aws:iam::111122223333:oidc-provider/cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
        policy.providerArn().orElseThrow());
    assertThrows(TrustPolicy.InvalidSourceException.class, () -> TrustPolicy.of(new Source.Cognito("AbCdEf123",
        "client", Optional.empty()), "deploy", ACCOUNT));
  }

  @Test
  void badNamesAndAccountsAreRefusedNamingTheOption() {
    var account = assertThrows(TrustPolicy.InvalidSourceException.class, () -> TrustPolicy.of(new Source.Token(
        "https://issuer", "aud", "sub"), "deploy", Optional.of("12345")));
    assertTrue(account.getMessage().startsWith("--account-id"));
    var role = assertThrows(TrustPolicy.InvalidSourceException.class, () -> TrustPolicy.of(new Source.Token(
        "https://issuer", "aud", "sub"), "a role", ACCOUNT));
    assertTrue(role.getMessage().startsWith("--role-name"));
    var ref = assertThrows(TrustPolicy.InvalidSourceException.class, () -> github(List.of("o/r"), List.of("main"),
        List.of(), false));
    assertTrue(ref.getMessage().contains("--branch main"), ref.getMessage());
  }

  @Test
  void fullJsonHasTheProviderSettings() throws Exception {
    TrustPolicy policy = github(List.of("octo-org/octo-repo"), List.of("refs/heads/main"), List.of(), false);
    JsonNode full = JSON.readTree(JsonRenderer.render(policy));
    assertEquals(List.of("OpenIDConnectProvider", "RoleName", "AssumeRolePolicyDocument"), names(full));
    assertEquals("https://" + GH, full.get("OpenIDConnectProvider").get("Url").asText());
    assertEquals(List.of("sts.amazonaws.com"), strings(full.get("OpenIDConnectProvider").get("ClientIDList")));
    assertEquals(document(policy), full.get("AssumeRolePolicyDocument"));
  }

  /** Terraform's own evaluation of the jsonencode() block equals the JSON renderer's document. */
  @Test
  void terraformEvaluatesToTheSamePolicy() throws Exception {
    List<TrustPolicy> policies = List.of(
        github(List.of("octo-org/octo-repo"), List.of("refs/heads/main"), List.of("prod"), true),
        github(List.of("octo-org/octo-repo"), List.of("refs/heads/release/*"), List.of(), false),
        // ${ and %{ are Terraform templates, quotes and backslashes its escapes: all must stay literal
        TrustPolicy.of(new Source.Token("https://issuer.example/x", "aud\"\\", "sub:${x}:%{if y}:$${z}"),
            "odd.name@x", ACCOUNT),
        TrustPolicy.of(new Source.Cognito("us-east-1_AbC", "client", Optional.empty()), "deploy", ACCOUNT));
    for (TrustPolicy policy : policies) {
      String hcl = TerraformRenderer.render(policy);
      Path work = Files.createDirectories(dir.resolve("tf" + policies.indexOf(policy)));
      Files.writeString(work.resolve("main.tf"), hcl);
      assertEquals(0, terraform(work, "fmt", "-check", "main.tf").exit, "terraform fmt -check:\n" + hcl);
      String label = hcl.substring(hcl.indexOf("Federated = ") + 12, hcl.indexOf(".arn }"));
      String expression = hcl.substring(hcl.indexOf("jsonencode("), hcl.lastIndexOf("})") + 2)
          .replace(label + ".arn", "local.provider_arn");
      Path eval = Files.createDirectories(work.resolve("eval"));
      Files.writeString(eval.resolve("eval.tf"), "locals {\n  provider_arn = \"" + policy.providerArn().orElseThrow()
          + "\"\n  policy = " + expression + "\n}\noutput \"policy\" { value = local.policy }\n");
      assertEquals(0, terraform(eval, "init", "-input=false").exit);
      Run apply = terraform(eval, "apply", "-auto-approve", "-input=false");
      assertEquals(0, apply.exit, apply.out);
      Run output = terraform(eval, "output", "-raw", "policy");
      assertEquals(document(policy), JSON.readTree(output.out), hcl);
      assertTrue(hcl.contains("resource \"aws_iam_openid_connect_provider\"") && hcl.contains("client_id_list = [\""
          + policy.audience().replace("\\", "\\\\").replace("\"", "\\\"") + "\"]"), hcl);
    }
  }

  record Run(int exit, String out) {}

  private static Run terraform(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("terraform"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("TF_CLI_CONFIG_FILE", "/dev/null");
    builder.environment().put("CHECKPOINT_DISABLE", "1");
    builder.environment().put("TF_IN_AUTOMATION", "1");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return new Run(process.exitValue(), out);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void noWarningForAnExactToken() throws Exception {
    assertFalse(TrustPolicy.of(new Source.Token("https://issuer", "aud", "sub"), "deploy", ACCOUNT).warnings()
        .iterator().hasNext());
  }
}
