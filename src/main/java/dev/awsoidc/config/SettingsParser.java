package dev.awsoidc.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.proxy.NoProxy;
import dev.awsoidc.runner.ActionInputs;
import dev.awsoidc.sts.Arns;
import dev.awsoidc.sts.RoleRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the raw inputs and environment into {@link ActionSettings}, checking every input before anything
 * touches the network, and reporting every problem at once.
 */
public final class SettingsParser {
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final int MAX_MANAGED_POLICIES = 10;
  private static final JsonFactory JSON = new JsonFactory();

  private final ActionInputs inputs;
  private final Map<String, String> environment;
  private final List<InputProblem> problems = new ArrayList<>();

  private SettingsParser(ActionInputs inputs, Map<String, String> environment) {
    this.inputs = inputs;
    this.environment = environment;
  }

  public static ActionSettings parse(Map<String, String> environment) throws InvalidInputsException {
    return new SettingsParser(new ActionInputs(environment), environment).parse();
  }

  private ActionSettings parse() throws InvalidInputsException {
    String region = region();
    RoleRequest role = new RoleRequest(
        roleArn(),
        sessionName(),
        integer(ActionInput.ROLE_DURATION_SECONDS, 900, 43200,
            "Use a number of seconds from 900 (15 minutes) to 43200 (12 hours), within the role's maximum session duration"),
        inlinePolicy(),
        managedPolicies());
    ExportOptions export = new ExportOptions(
        bool(ActionInput.OUTPUT_ENV_CREDENTIALS),
        bool(ActionInput.OUTPUT_CREDENTIALS),
        bool(ActionInput.MASK_AWS_ACCOUNT_ID));
    StsEndpointChoice endpoint = stsEndpoint();
    int attempts = integer(ActionInput.RETRY_MAX_ATTEMPTS, 1, 20,
        "Use a whole number from 1 (no retry) to 20");
    int timeoutSeconds = integer(ActionInput.ACTION_TIMEOUT_S, 0, 3600,
        "Use a number of seconds from 1 to 3600, or 0 for no overall limit");
    Optional<HttpProxy> proxy = proxy();
    CredentialPath path = new CredentialPath.GitHubOidc(value(ActionInput.AUDIENCE).orElseThrow());
    if (!problems.isEmpty()) throw new InvalidInputsException(problems);
    return new ActionSettings(path, region, role, export, endpoint, attempts,
        timeoutSeconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(timeoutSeconds)), proxy);
  }

  /** The input's value, or its declared default. */
  private Optional<String> value(ActionInput input) {
    return inputs.get(input.inputName()).or(input::defaultValue);
  }

  private void problem(ActionInput input, String problem, String fix) {
    problems.add(InputProblem.input(input.inputName(), problem, fix));
  }

  private String region() {
    Optional<String> region = value(ActionInput.AWS_REGION);
    if (region.isEmpty()) {
      region = Optional.ofNullable(environment.get("AWS_REGION")).map(String::strip).filter(r -> !r.isEmpty());
    }
    if (region.isEmpty()) {
      problem(ActionInput.AWS_REGION, "it is required and was not given",
          "Add 'aws-region: us-east-1' (your region) under 'with:', or set AWS_REGION in the job's env");
      return "";
    }
    if (!REGION.matcher(region.get()).matches()) {
      problem(ActionInput.AWS_REGION, "'" + region.get() + "' is not a region name",
          "Use a region code such as us-east-1 or eu-west-2 (lower case letters, digits and hyphens)");
    }
    return region.get();
  }

  private String roleArn() {
    Optional<String> role = value(ActionInput.ROLE_TO_ASSUME);
    if (role.isEmpty()) {
      problem(ActionInput.ROLE_TO_ASSUME, "it is required and was not given",
          "Add 'role-to-assume: arn:aws:iam::<account-id>:role/<role-name>' under 'with:'");
      return "";
    }
    if (!Arns.isRoleArn(role.get())) {
      String hint = role.get().startsWith("arn:") ? "it is not an IAM role ARN"
          : "a bare role name needs the account, which an OIDC token does not carry";
      problem(ActionInput.ROLE_TO_ASSUME, "'" + role.get() + "' is not a role ARN (" + hint + ")",
          "Use the full ARN, e.g. arn:aws:iam::111122223333:role/deploy");
    }
    return role.get();
  }

  private String sessionName() {
    String name = value(ActionInput.ROLE_SESSION_NAME).orElseThrow();
    if (!SESSION_NAME.matcher(name).matches()) {
      problem(ActionInput.ROLE_SESSION_NAME, "'" + name + "' is not a valid session name",
          "Use 2 to 64 characters from letters, digits and + = , . @ _ -");
    }
    return name;
  }

  private Optional<String> inlinePolicy() {
    Optional<String> policy = value(ActionInput.INLINE_SESSION_POLICY);
    policy.ifPresent(json -> {
      String error = jsonObjectError(json);
      if (error != null) {
        problem(ActionInput.INLINE_SESSION_POLICY, "it is not a JSON policy document (" + error + ")",
            "Give a JSON object such as {\"Version\":\"2012-10-17\",\"Statement\":[...]}, e.g. with a YAML block scalar (|)");
      }
    });
    return policy;
  }

  private List<String> managedPolicies() {
    List<String> arns = inputs.getLines(ActionInput.MANAGED_SESSION_POLICIES.inputName());
    for (String arn : arns) {
      if (!Arns.isPolicyArn(arn)) {
        problem(ActionInput.MANAGED_SESSION_POLICIES, "'" + arn + "' is not an IAM policy ARN",
            "Give one policy ARN per line, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess");
      }
    }
    if (arns.size() > MAX_MANAGED_POLICIES) {
      problem(ActionInput.MANAGED_SESSION_POLICIES, arns.size() + " policies were given; STS accepts at most "
          + MAX_MANAGED_POLICIES, "Give at most 10 policy ARNs");
    }
    return arns;
  }

  private boolean bool(ActionInput input) {
    String value = value(input).orElseThrow();
    return switch (value) {
      case "true", "True", "TRUE" -> true;
      case "false", "False", "FALSE" -> false;
      default -> {
        problem(input, "'" + value + "' is not a boolean", "Use true or false");
        yield false;
      }
    };
  }

  private int integer(ActionInput input, int min, int max, String fix) {
    String value = value(input).orElseThrow();
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) return number;
      problem(input, value + " is out of range", fix);
    } catch (NumberFormatException e) {
      problem(input, "'" + value + "' is not a whole number", fix);
    }
    return min;
  }

  /** The input first, then the SDK's standard variables, so a job can point every AWS call at an emulator. */
  private StsEndpointChoice stsEndpoint() {
    Optional<String> input = value(ActionInput.STS_ENDPOINT);
    if (input.isPresent()) {
      return endpoint(input.get(), "input 'sts-endpoint'", ActionInput.STS_ENDPOINT);
    }
    if ("true".equalsIgnoreCase(environment.getOrDefault("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""))) {
      return StsEndpointChoice.regional();
    }
    for (String variable : List.of("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL")) {
      String value = environment.getOrDefault(variable, "").strip();
      if (!value.isEmpty()) return endpoint(value, "variable " + variable, null);
    }
    return StsEndpointChoice.regional();
  }

  private StsEndpointChoice endpoint(String value, String source, ActionInput input) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return new StsEndpointChoice(Optional.of(uri), source);
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    String fix = "Use an http(s) URL such as https://sts.us-east-1.amazonaws.com or http://127.0.0.1:4566";
    if (input != null) {
      problem(input, "'" + value + "' is not an http(s) URL", fix);
    } else {
      problems.add(InputProblem.variable(source.replace("variable ", ""), "'" + value + "' is not an http(s) URL",
          fix + ", or unset it"));
    }
    return StsEndpointChoice.regional();
  }

  /**
   * The input first, then the variables the runner passes on from its own proxy settings (HTTPS first, as for
   * the reference action); the bypass list likewise. JVM system properties are not consulted.
   */
  private Optional<HttpProxy> proxy() {
    Optional<String> input = value(ActionInput.HTTP_PROXY);
    String source = "input 'http-proxy'";
    String value = input.orElse(null);
    if (value == null) {
      for (String variable : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
        String candidate = environment.getOrDefault(variable, "").strip();
        if (!candidate.isEmpty()) {
          value = candidate;
          source = "variable " + variable;
          break;
        }
      }
    }
    if (value == null) return Optional.empty();
    NoProxy bypass = value(ActionInput.NO_PROXY)
        .or(() -> Optional.ofNullable(environment.get("NO_PROXY")).filter(v -> !v.isBlank()))
        .or(() -> Optional.ofNullable(environment.get("no_proxy")).filter(v -> !v.isBlank()))
        .map(NoProxy::parse).orElse(NoProxy.NONE);
    String problem;
    try {
      URI uri = new URI(value.contains("://") ? value : "http://" + value);
      String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (scheme.equals("http") && uri.getHost() != null) {
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
          String[] parts = uri.getRawUserInfo().split(":", 2);
          user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
          if (parts.length == 2) password = Optional.of(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return Optional.of(new HttpProxy(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort(), user, password,
            bypass, source));
      }
      problem = scheme.equals("https")
          ? "a proxy reached over TLS (https://) is not supported"
          : scheme.equals("http") ? "it names no host" : "'" + scheme + "' proxies are not supported";
    } catch (URISyntaxException | IllegalArgumentException e) {
      problem = "it is not a proxy URL";
    }
    String fix = "Use http://host:port or http://user:password@host:port (requests to https endpoints still go "
        + "through the proxy encrypted, in a CONNECT tunnel)";
    String shown = HttpProxy.withoutUserInfo(value);
    if (input.isPresent()) {
      problem(ActionInput.HTTP_PROXY, "'" + shown + "': " + problem, fix);
    } else {
      String variable = source.replace("variable ", "");
      problems.add(InputProblem.variable(variable, "'" + shown + "': " + problem, fix + ", or unset " + variable));
    }
    return Optional.empty();
  }

  /** Null when the text is one JSON object and nothing else; otherwise what is wrong. */
  private static String jsonObjectError(String json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return "it does not start with {";
      parser.skipChildren();
      if (parser.nextToken() != null) return "there is text after the closing }";
      return null;
    } catch (IOException e) {
      String message = e.getMessage() == null ? "invalid JSON" : e.getMessage().lines().findFirst().orElse("");
      return message;
    }
  }
}
