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
import java.nio.file.Path;
import dev.awsoidc.sts.SessionTags;
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
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
  private static final int MAX_MANAGED_POLICIES = 10;
  private static final JsonFactory JSON = new JsonFactory();

  private final ActionInputs inputs;
  private final Map<String, String> environment;
  private final List<InputProblem> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private final Optional<TokenChoice> cliToken;

  private SettingsParser(ActionInputs inputs, Map<String, String> environment,
      Optional<TokenChoice> cliToken) {
    this.inputs = inputs;
    this.environment = environment;
    this.cliToken = cliToken;
  }

  /** The action's settings from its inputs ({@code INPUT_*}) and environment. */
  public static ActionSettings parse(Map<String, String> environment) throws InvalidInputsException {
    return parse(environment, Optional.empty());
  }

  /** The same, with the token source the command line names (a file, a variable, standard input, the runner). */
  public static ActionSettings parse(Map<String, String> environment, Optional<TokenChoice> cliToken)
      throws InvalidInputsException {
    return new SettingsParser(new ActionInputs(environment), environment, cliToken).parse();
  }

  private ActionSettings parse() throws InvalidInputsException {
    String region = region();
    Optional<String> roleInput = value(ActionInput.ROLE_TO_ASSUME);
    int duration = integer(ActionInput.ROLE_DURATION_SECONDS, 900, 43200,
        "Use a number of seconds from 900 (15 minutes) to 43200 (12 hours), within the role's maximum session duration");
    Optional<RoleRequest> role = roleInput.map(arn -> new RoleRequest(arn, sessionName(), duration, inlinePolicy(),
        managedPolicies(), value(ActionInput.ROLE_EXTERNAL_ID)));
    Optional<ExportOptions.ProfileOptions> profile = profile();
    ExportOptions export = new ExportOptions(
        value(ActionInput.OUTPUT_ENV_CREDENTIALS).isPresent() ? bool(ActionInput.OUTPUT_ENV_CREDENTIALS)
            : profile.isEmpty(), // as in the reference: a profile replaces the variables unless asked for both
        bool(ActionInput.OUTPUT_CREDENTIALS),
        bool(ActionInput.MASK_AWS_ACCOUNT_ID),
        bool(ActionInput.UNSET_CURRENT_CREDENTIALS),
        profile);
    StsEndpointChoice endpoint = stsEndpoint();
    boolean disableRetry = bool(ActionInput.DISABLE_RETRY);
    boolean specialCharacters = bool(ActionInput.SPECIAL_CHARACTERS_WORKAROUND);
    int attempts = integer(ActionInput.RETRY_MAX_ATTEMPTS, 1, 20, "Use a whole number from 1 (no retry) to 20");
    if (disableRetry && !specialCharacters) attempts = 1;
    int timeoutSeconds = integer(ActionInput.ACTION_TIMEOUT_S, 0, 3600,
        "Use a number of seconds from 1 to 3600, or 0 for no overall limit");
    Optional<HttpProxy> proxy = proxy();
    List<String> allowedAccounts = allowedAccountIds();
    role.ifPresent(r -> checkRoleAgainstAllowedAccounts(r.roleArn(), allowedAccounts));
    boolean useExisting = bool(ActionInput.USE_EXISTING_CREDENTIALS);
    CredentialPath path = new PathChoice(this, environment, cliToken)
        .choose(role, accessKeys(), tokenFile(), this::sessionTags);
    if (!problems.isEmpty()) throw new InvalidInputsException(problems);
    return new ActionSettings(path, region, export, endpoint, attempts,
        timeoutSeconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(timeoutSeconds)), proxy,
        allowedAccounts, useExisting, specialCharacters, warnings);
  }

  /**
   * The input's value; else the plain variable the reference action reads in its place ({@code ROLE_TO_ASSUME});
   * else its declared default.
   */
  Optional<String> value(ActionInput input) {
    return inputs.get(input.inputName())
        .or(() -> input.plainVariable().map(environment::get).map(String::strip).filter(v -> !v.isEmpty()))
        .or(input::defaultValue);
  }

  /** A setting that is accepted but has no effect on the chosen path; the action prints it as a warning. */
  void warning(String text) {
    warnings.add(text);
  }

  void problem(ActionInput input, String problem, String fix) {
    problems.add(InputProblem.input(input.inputName(), problem, fix));
  }

  private String region() {
    Optional<String> region = value(ActionInput.AWS_REGION);
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

  private Optional<AccessKeyInputs> accessKeys() {
    Optional<String> id = value(ActionInput.AWS_ACCESS_KEY_ID);
    Optional<String> secret = value(ActionInput.AWS_SECRET_ACCESS_KEY);
    Optional<String> token = value(ActionInput.AWS_SESSION_TOKEN);
    if (id.isPresent() && secret.isEmpty()) {
      problem(ActionInput.AWS_SECRET_ACCESS_KEY, "it must be given with aws-access-key-id",
          "Add 'aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}', or remove aws-access-key-id");
    } else if (id.isEmpty() && (secret.isPresent() || token.isPresent())) {
      ActionInput given = secret.isPresent() ? ActionInput.AWS_SECRET_ACCESS_KEY : ActionInput.AWS_SESSION_TOKEN;
      problem(given, "it was given without aws-access-key-id",
          "Add 'aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}', or remove " + given.inputName());
    }
    if (id.isPresent() && !ACCESS_KEY_ID.matcher(id.get()).matches()) {
      // the value is a secret: never repeat it
      problem(ActionInput.AWS_ACCESS_KEY_ID, "it is not an access key id (16 to 128 capital letters and digits)",
          "Pass the key id itself, e.g. ${{ secrets.AWS_ACCESS_KEY_ID }}, without quotes or spaces");
    }
    if (id.isEmpty() || secret.isEmpty()) return Optional.empty();
    return Optional.of(new AccessKeyInputs(id.get(), secret.get(), token));
  }

  private Optional<Path> tokenFile() {
    return value(ActionInput.WEB_IDENTITY_TOKEN_FILE).map(file -> {
      Path path = Path.of(file);
      if (path.isAbsolute()) return path;
      // relative to the workspace, as in the reference; the container's working directory is the workspace too
      String workspace = environment.getOrDefault("GITHUB_WORKSPACE", "");
      return workspace.isEmpty() ? path.toAbsolutePath() : Path.of(workspace).resolve(path);
    });
  }

  private SessionTags sessionTags() {
    if (bool(ActionInput.ROLE_SKIP_SESSION_TAGGING)) return SessionTags.NONE;
    return SessionTagRules.build(environment, value(ActionInput.CUSTOM_TAGS).orElse(null),
        inputs.getLines(ActionInput.TRANSITIVE_TAG_KEYS.inputName()),
        (input, text) -> problem(input, text[0], text[1]));
  }

  private Optional<ExportOptions.ProfileOptions> profile() {
    Optional<String> name = value(ActionInput.AWS_PROFILE);
    boolean overwrite = bool(ActionInput.OVERWRITE_AWS_PROFILE);
    if (name.isEmpty()) return Optional.empty();
    ProfileName.problem(name.get()).ifPresent(problem -> problem(ActionInput.AWS_PROFILE, problem, ProfileName.FIX));
    return Optional.of(new ExportOptions.ProfileOptions(name.get(), overwrite));
  }

  private List<String> allowedAccountIds() {
    List<String> ids = value(ActionInput.ALLOWED_ACCOUNT_IDS).stream()
        .flatMap(v -> java.util.Arrays.stream(v.split(",")))
        .map(String::strip).filter(id -> !id.isEmpty()).toList();
    for (String id : ids) {
      if (!id.matches("\\d{12}")) {
        problem(ActionInput.ALLOWED_ACCOUNT_IDS, "'" + id + "' is not an account id",
            "Give 12-digit account ids separated by commas, e.g. 111122223333,444455556666");
      }
    }
    return ids;
  }

  /** A role ARN names its account: refuse a run that could only end in a mismatch, before any token is spent. */
  private void checkRoleAgainstAllowedAccounts(String roleArn, List<String> allowed) {
    if (allowed.isEmpty() || !Arns.isRoleArn(roleArn)) return;
    String account = Arns.accountId(roleArn);
    if (!allowed.contains(account)) {
      problem(ActionInput.ALLOWED_ACCOUNT_IDS, "the role " + roleArn + " is in account " + account
          + ", which is not one of " + String.join(", ", allowed),
          "Assume a role in an allowed account, or add " + account + " to allowed-account-ids if it is meant to be");
    }
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

  boolean bool(ActionInput input) {
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
