package dev.awsoidc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.proxy.NoProxy;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SettingsParserTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/deploy";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("INPUT_ROLE-TO-ASSUME", ROLE);
    env.put("INPUT_AWS-REGION", "ap-northeast-1");
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token"); // a job with id-token: write
    for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
    return env;
  }

  private static List<InputProblem> problems(Map<String, String> env) {
    return assertThrows(InvalidInputsException.class, () -> SettingsParser.parse(env)).problems();
  }

  @Test
  void defaultsMatchConfigureAwsCredentials() throws Exception {
    ActionSettings settings = SettingsParser.parse(env());
    assertEquals("sts.amazonaws.com", ((CredentialPath.GitHubOidc) settings.path()).audience());
    assertEquals("ap-northeast-1", settings.region());
    assertEquals(ROLE, settings.role().orElseThrow().roleArn());
    assertEquals("GitHubActions", settings.role().orElseThrow().sessionName());
    assertEquals(3600, settings.role().orElseThrow().durationSeconds());
    assertEquals(new ExportOptions(true, false, false, false, Optional.empty()), settings.export());
    assertEquals(StsEndpointChoice.regional(), settings.stsEndpoint());
    assertEquals(5, settings.retryMaxAttempts());
    assertEquals(Optional.of(Duration.ofSeconds(120)), settings.actionTimeout());
  }

  @Test
  void everyInputIsRead() throws Exception {
    ActionSettings settings = SettingsParser.parse(env(
        "INPUT_AUDIENCE", "sts.amazonaws.com.cn",
        "INPUT_ROLE-SESSION-NAME", "deploy@main",
        "INPUT_ROLE-DURATION-SECONDS", "900",
        "INPUT_INLINE-SESSION-POLICY", "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        "INPUT_MANAGED-SESSION-POLICIES", "arn:aws:iam::aws:policy/ReadOnlyAccess\narn:aws:iam::111122223333:policy/x",
        "INPUT_OUTPUT-CREDENTIALS", "TRUE",
        "INPUT_OUTPUT-ENV-CREDENTIALS", "False",
        "INPUT_MASK-AWS-ACCOUNT-ID", "true",
        "INPUT_STS-ENDPOINT", "http://127.0.0.1:4566",
        "INPUT_RETRY-MAX-ATTEMPTS", "1",
        "INPUT_ACTION-TIMEOUT-S", "0",
        "INPUT_HTTP-PROXY", "http://proxy.corp:3128",
        "INPUT_NO-PROXY", ".internal"));
    assertEquals("sts.amazonaws.com.cn", ((CredentialPath.GitHubOidc) settings.path()).audience());
    assertEquals("proxy.corp", settings.proxy().orElseThrow().host());
    assertEquals(List.of(".internal"), settings.proxy().orElseThrow().bypass().entries());
    assertEquals("deploy@main", settings.role().orElseThrow().sessionName());
    assertEquals(900, settings.role().orElseThrow().durationSeconds());
    assertTrue(settings.role().orElseThrow().inlineSessionPolicy().isPresent());
    assertEquals(2, settings.role().orElseThrow().managedSessionPolicyArns().size());
    assertEquals(new ExportOptions(false, true, true, false, Optional.empty()), settings.export());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), settings.stsEndpoint().endpoint());
    assertEquals(1, settings.retryMaxAttempts());
    assertEquals(Optional.empty(), settings.actionTimeout());
  }

  @Test
  void theProxyComesFromTheInputThenHttpsProxyThenHttpProxy() throws Exception {
    assertEquals(Optional.empty(), SettingsParser.parse(env()).proxy());
    HttpProxy fromEnv = SettingsParser.parse(env("HTTP_PROXY", "http://plain:8080", "HTTPS_PROXY", "secure:3128",
        "NO_PROXY", "localhost, .corp")).proxy().orElseThrow();
    assertEquals("secure", fromEnv.host());
    assertEquals(3128, fromEnv.port());
    assertEquals("variable HTTPS_PROXY", fromEnv.source());
    assertEquals(List.of("localhost", ".corp"), fromEnv.bypass().entries());
    HttpProxy lowerCase = SettingsParser.parse(env("http_proxy", "http://plain")).proxy().orElseThrow();
    assertEquals(80, lowerCase.port());
    HttpProxy input = SettingsParser.parse(env("HTTPS_PROXY", "http://ignored:1",
        "INPUT_HTTP-PROXY", "http://ci%40corp:p%3Ass@proxy.corp:3128")).proxy().orElseThrow();
    assertEquals("proxy.corp", input.host());
    assertEquals(Optional.of("ci@corp"), input.username());
    assertEquals(Optional.of("p:ss"), input.password());
    assertEquals("http://***@proxy.corp:3128 (from input 'http-proxy')", input.description());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://user:secret@proxy:3128", "socks5://proxy:1080", "http://", "http://proxy:port"})
  void anUnusableProxyIsAnInputErrorThatNeverShowsItsPassword(String url) {
    List<InputProblem> problems = problems(env("INPUT_HTTP-PROXY", url));
    assertEquals("http-proxy", problems.getFirst().name());
    assertFalse(problems.getFirst().message().contains("secret"), problems.getFirst().message());
    List<InputProblem> fromVariable = problems(env("HTTPS_PROXY", url));
    assertEquals("HTTPS_PROXY", fromVariable.getFirst().name());
    assertTrue(fromVariable.getFirst().message().contains("unset HTTPS_PROXY"), fromVariable.getFirst().message());
  }

  @Test
  void noProxyMatchesAsCurlDoes() {
    NoProxy list = NoProxy.parse("localhost,.corp.example *.svc 10.0.0.1, sts.amazonaws.com:8443");
    assertTrue(list.bypasses("localhost", 443));
    assertTrue(list.bypasses("a.corp.example", 443));
    assertTrue(list.bypasses("corp.example", 443));
    assertTrue(list.bypasses("x.y.svc", 80));
    assertTrue(list.bypasses("10.0.0.1", 443));
    assertTrue(list.bypasses("STS.amazonaws.com", 8443));
    assertFalse(list.bypasses("sts.amazonaws.com", 443));
    assertFalse(list.bypasses("notcorp.example", 443));
    assertFalse(list.bypasses("10.0.0.10", 443));
    assertTrue(NoProxy.parse("*").bypasses("anything", 1));
    assertFalse(NoProxy.NONE.bypasses("localhost", 1));
  }

  @Test
  void regionFallsBackToAwsRegion() throws Exception {
    Map<String, String> env = env();
    env.remove("INPUT_AWS-REGION");
    env.put("AWS_REGION", "eu-west-1");
    assertEquals("eu-west-1", SettingsParser.parse(env).region());
  }

  @Test
  void missingRequiredInputsAreAllReportedWithTheFix() {
    List<InputProblem> problems = problems(Map.of());
    assertEquals(List.of("aws-region", "role-to-assume"), problems.stream().map(InputProblem::name).toList());
    assertTrue(problems.get(0).message().contains("aws-region: us-east-1"), problems.get(0).message());
    assertTrue(problems.get(1).message().contains("role-to-assume: arn:aws:iam::"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "tRue", "on"})
  void booleansAcceptOnlyTheYamlCoreSpellings(String value) {
    InputProblem problem = problems(env("INPUT_OUTPUT-CREDENTIALS", value)).getFirst();
    assertEquals("output-credentials", problem.name());
    assertTrue(problem.message().contains("'" + value + "' is not a boolean"), problem.message());
  }

  @Test
  void badValuesNameTheInputTheValueAndTheFix() {
    Map<String, String> cases = Map.of(
        "INPUT_AWS-REGION", "US East 1",
        "INPUT_ROLE-TO-ASSUME", "deploy",
        "INPUT_ROLE-SESSION-NAME", "a",
        "INPUT_ROLE-DURATION-SECONDS", "899",
        "INPUT_INLINE-SESSION-POLICY", "{\"Version\": ",
        "INPUT_MANAGED-SESSION-POLICIES", "ReadOnlyAccess",
        "INPUT_STS-ENDPOINT", "sts.amazonaws.com",
        "INPUT_RETRY-MAX-ATTEMPTS", "zero",
        "INPUT_ACTION-TIMEOUT-S", "-1");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      String input = bad.getKey().substring("INPUT_".length()).toLowerCase();
      List<InputProblem> problems = problems(env(bad.getKey(), bad.getValue()));
      assertEquals(1, problems.size(), input);
      InputProblem problem = problems.getFirst();
      assertEquals(input, problem.name());
      assertTrue(problem.message().startsWith("Input '" + input + "': "), problem.message());
      assertFalse(problem.fix().isBlank());
    }
  }

  @Test
  void bareRoleNameGetsItsOwnExplanation() {
    InputProblem problem = problems(env("INPUT_ROLE-TO-ASSUME", "deploy")).getFirst();
    assertTrue(problem.message().contains("bare role name"), problem.message());
  }

  @Test
  void endpointPrecedenceIsInputThenStsVariableThenGlobalVariable() throws Exception {
    Map<String, String> env = env("AWS_ENDPOINT_URL", "http://global:1", "AWS_ENDPOINT_URL_STS", "http://sts:2");
    assertEquals("variable AWS_ENDPOINT_URL_STS", SettingsParser.parse(env).stsEndpoint().source());
    env.put("INPUT_STS-ENDPOINT", "https://vpce.example:3");
    assertEquals(URI.create("https://vpce.example:3"), SettingsParser.parse(env).stsEndpoint().endpoint().orElseThrow());
    env.remove("INPUT_STS-ENDPOINT");
    env.remove("AWS_ENDPOINT_URL_STS");
    assertEquals(URI.create("http://global:1"), SettingsParser.parse(env).stsEndpoint().endpoint().orElseThrow());
    env.put("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    assertEquals(StsEndpointChoice.regional(), SettingsParser.parse(env).stsEndpoint());
  }

  @Test
  void aBadEndpointVariableIsNamed() {
    InputProblem problem = problems(env("AWS_ENDPOINT_URL_STS", "not a url")).getFirst();
    assertTrue(problem.variable());
    assertTrue(problem.message().startsWith("Variable AWS_ENDPOINT_URL_STS:"), problem.message());
  }

  @Test
  void tooManyManagedPolicies() {
    String eleven = String.join("\n", java.util.Collections.nCopies(11, "arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assertTrue(problems(env("INPUT_MANAGED-SESSION-POLICIES", eleven)).getFirst().message().contains("at most 10"));
  }

  private static final String KEY = "AKIAIOSFODNN7EXAMPLE";

  private static Class<?> pathOf(String... pairs) throws Exception {
    return SettingsParser.parse(env(pairs)).path().getClass();
  }

  @Test
  void thePathFollowsTheReferencesPrecedence() throws Exception {
    String[] keys = {"INPUT_AWS-ACCESS-KEY-ID", KEY, "INPUT_AWS-SECRET-ACCESS-KEY", "s"};
    assertEquals(CredentialPath.GitHubOidc.class, pathOf());
    assertEquals(CredentialPath.AccessKeysAssumeRole.class, pathOf(keys));
    Map<String, String> noRole = env(keys);
    noRole.remove("INPUT_ROLE-TO-ASSUME");
    assertEquals(CredentialPath.AccessKeys.class, SettingsParser.parse(noRole).path().getClass());
    assertEquals(CredentialPath.WebIdentityTokenFile.class, pathOf("INPUT_WEB-IDENTITY-TOKEN-FILE", "/t"));
    assertEquals(CredentialPath.RoleChaining.class, pathOf("INPUT_ROLE-CHAINING", "true"));
    assertEquals(CredentialPath.RunnerCredentials.class, pathOf("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "",
        "RUNNER_ENVIRONMENT", "self-hosted"));
    assertEquals(CredentialPath.GitHubOidc.class, pathOf("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "",
        "RUNNER_ENVIRONMENT", "github-hosted"), "a hosted runner has no credentials of its own");
  }

  @Test
  void conflictingInputsAreRefusedNamingBoth() {
    String[] keys = {"INPUT_AWS-ACCESS-KEY-ID", KEY, "INPUT_AWS-SECRET-ACCESS-KEY", "s"};
    for (String[] conflict : List.of(
        new String[] {"INPUT_WEB-IDENTITY-TOKEN-FILE", "/t", "aws-access-key-id", "web-identity-token-file"},
        new String[] {"INPUT_ROLE-CHAINING", "true", "aws-access-key-id", "role-chaining"})) {
      Map<String, String> env = env(keys);
      env.put(conflict[0], conflict[1]);
      InputProblem problem = problems(env).getFirst();
      assertEquals(conflict[2], problem.name());
      assertTrue(problem.message().contains(conflict[3]), problem.message());
    }
    InputProblem both = problems(env("INPUT_WEB-IDENTITY-TOKEN-FILE", "/t", "INPUT_ROLE-CHAINING", "true")).getFirst();
    assertTrue(both.message().contains("role-chaining"), both.message());
    InputProblem skip = problems(env("INPUT_FORCE-SKIP-OIDC", "true")).getFirst();
    assertEquals("force-skip-oidc", skip.name());
    assertTrue(skip.message().contains("role-to-assume"), skip.message());
  }

  @Test
  void accessKeyInputsComeInPairsAndAreNeverRepeated() {
    InputProblem noSecret = problems(env("INPUT_AWS-ACCESS-KEY-ID", KEY)).getFirst();
    assertEquals("aws-secret-access-key", noSecret.name());
    InputProblem noKey = problems(env("INPUT_AWS-SECRET-ACCESS-KEY", "topsecret")).getFirst();
    assertEquals("aws-secret-access-key", noKey.name());
    assertFalse(noKey.message().contains("topsecret"));
    InputProblem badKey = problems(env("INPUT_AWS-ACCESS-KEY-ID", "not a key id", "INPUT_AWS-SECRET-ACCESS-KEY", "s"))
        .getFirst();
    assertEquals("aws-access-key-id", badKey.name());
    assertFalse(badKey.message().contains("not a key id"), "a key id is a secret too: " + badKey.message());
  }

  @Test
  void sessionTagsFromTheRunAreSanitisedCutAndCustomTagsChecked() throws Exception {
    String[] keys = {"INPUT_AWS-ACCESS-KEY-ID", KEY, "INPUT_AWS-SECRET-ACCESS-KEY", "s",
        "GITHUB_ACTOR", "dependabot[bot]", "GITHUB_WORKFLOW", "w".repeat(300), "GITHUB_RUN_ID", "42"};
    var path = (CredentialPath.AccessKeysAssumeRole) SettingsParser.parse(env(keys)).path();
    assertEquals("Actions", path.tags().tags().get("GitHub"));
    assertEquals("dependabot_bot_", path.tags().tags().get("Actor"));
    assertEquals(256, path.tags().tags().get("Workflow").length());
    assertEquals(java.util.Set.of("RunId"), path.tags().droppable());

    Map<String, String> custom = env(keys);
    custom.put("INPUT_CUSTOM-TAGS", "{\"Team\": \"payments\", \"Cost\": 12, \"On\": true}");
    custom.put("INPUT_TRANSITIVE-TAG-KEYS", "Team\nRepositoryMissing");
    InputProblem transitive = problems(custom).getFirst();
    assertEquals("transitive-tag-keys", transitive.name());
    custom.put("INPUT_TRANSITIVE-TAG-KEYS", "Team");
    var tagged = (CredentialPath.AccessKeysAssumeRole) SettingsParser.parse(custom).path();
    assertEquals("12", tagged.tags().tags().get("Cost"));
    assertEquals(List.of("Team"), tagged.tags().transitiveKeys());

    for (String bad : List.of("[1]", "{\"Actor\": \"me\"}", "{\"a\": {\"b\": 1}}", "{\"bad key!\": \"x\"}", "not json")) {
      Map<String, String> env = env(keys);
      env.put("INPUT_CUSTOM-TAGS", bad);
      assertEquals("custom-tags", problems(env).getFirst().name(), bad);
    }
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 48; i++) many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    Map<String, String> tooMany = env(keys);
    tooMany.put("INPUT_CUSTOM-TAGS", many.append("}").toString());
    assertTrue(problems(tooMany).getFirst().message().contains("at most 50"), "48 custom + 4 from the run");
    Map<String, String> skipped = env(keys);
    skipped.put("INPUT_ROLE-SKIP-SESSION-TAGGING", "true");
    assertTrue(((CredentialPath.AccessKeysAssumeRole) SettingsParser.parse(skipped).path()).tags().isEmpty());
  }

  @Test
  void plainVariablesStandInForEmptyInputsAndFalseMeansFalse() throws Exception {
    Map<String, String> env = env("ROLE_SESSION_NAME", "from-env", "ROLE_DURATION_SECONDS", "900",
        "INPUT_USE-EXISTING-CREDENTIALS", "false", "DISABLE_RETRY", "true");
    ActionSettings settings = SettingsParser.parse(env);
    assertEquals("from-env", settings.role().orElseThrow().sessionName());
    assertEquals(900, settings.role().orElseThrow().durationSeconds());
    assertFalse(settings.useExistingCredentials());
    assertEquals(1, settings.retryMaxAttempts(), "disable-retry");
    env.put("INPUT_ROLE-SESSION-NAME", "from-input");
    assertEquals("from-input", SettingsParser.parse(env).role().orElseThrow().sessionName(), "the input wins");
  }

  @Test
  void allowedAccountIdsAreCheckedAgainstTheRoleBeforeAnyRequest() {
    InputProblem problem = problems(env("INPUT_ALLOWED-ACCOUNT-IDS", "444455556666")).getFirst();
    assertEquals("allowed-account-ids", problem.name());
    assertTrue(problem.message().contains("111122223333"), problem.message());
    assertEquals("allowed-account-ids", problems(env("INPUT_ALLOWED-ACCOUNT-IDS", "12345")).getFirst().name());
  }
}
