package dev.awsoidc.cli;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.export.OutputFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code assume}: the action's inputs as options, the token from any source, the credentials in a chosen format.
 * This class only turns the command line into an {@link AssumeRequest}; the {@link AssumeRunner} does the rest.
 */
final class AssumeCommand implements Command {
  static final String FORMAT = "format";

  /** Options named after action inputs, the SDK variables that default them, and their help. */
  private record InputOption(String input, List<String> defaultVariables, String valueName, boolean repeatable,
      String help) {}

  private static final List<InputOption> INPUTS = List.of(
      new InputOption("role-to-assume", List.of("AWS_ROLE_ARN"), "ARN", false,
          "ARN of the IAM role to assume (required)"),
      new InputOption("aws-region", List.of("AWS_REGION", "AWS_DEFAULT_REGION"), "REGION", false,
          "region for STS and for the credentials' users"),
      new InputOption("role-session-name", List.of("AWS_ROLE_SESSION_NAME"), "NAME", false,
          "role session name, shown in CloudTrail (default: GitHubActions)"),
      new InputOption("role-duration-seconds", List.of(), "SECONDS", false,
          "session length, 900-43200, at most the role's maximum (default: 3600)"),
      new InputOption("role-external-id", List.of(), "ID", false,
          "external id for roles that require one (used by AssumeRole, e.g. in role chaining)"),
      new InputOption("allowed-account-ids", List.of(), "IDS", false,
          "comma-separated account ids: fail, writing nothing, if the role is in another account"),
      new InputOption("audience", List.of(), "AUD", false,
          "audience requested from the GitHub runner (default: sts.amazonaws.com); other sources' tokens "
              + "already carry theirs"),
      new InputOption("sts-endpoint", List.of(), "URL", false,
          "STS endpoint URL (default: the regional endpoint, or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL)"),
      new InputOption("inline-session-policy", List.of(), "JSON", false,
          "a JSON IAM policy that further restricts the session"),
      new InputOption("managed-session-policies", List.of(), "ARN", true,
          "a managed policy ARN that further restricts the session; repeat for several (at most 10)"),
      new InputOption("http-proxy", List.of(), "URL", false,
          "HTTP proxy for the token request and STS, http://[user:password@]host:port "
              + "(default: HTTPS_PROXY, else HTTP_PROXY)"),
      new InputOption("no-proxy", List.of(), "HOSTS", false,
          "hosts that bypass the proxy, comma-separated (default: NO_PROXY)"),
      new InputOption("retry-max-attempts", List.of(), "N", false,
          "attempts for each network call, first included (default: 5)"),
      new InputOption("action-timeout-s", List.of(), "SECONDS", false,
          "overall time limit; 0 for none (default: 120)"));

  private final Streams streams;
  private final AssumeRunner runner;

  AssumeCommand(Streams streams, AssumeRunner runner) {
    this.streams = streams;
    this.runner = runner;
  }

  @Override
  public String name() {
    return "assume";
  }

  @Override
  public String summary() {
    return "exchange an ID token for AWS credentials (STS AssumeRoleWithWebIdentity)";
  }

  @Override
  public String description() {
    return """
        Exchanges an OIDC ID token for temporary AWS credentials and writes them in the chosen --format:
          env                 export lines for: eval "$(aws-oidc-credentials assume ...)"
          credential-process  the JSON an AWS profile's credential_process reads (SDKs refresh it by themselves)
          json                the same fields plus Arn, AccountId and Region, for scripts
          github              the action's behaviour: masked, exported to later steps through GITHUB_ENV
        Options are the action's inputs; AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, AWS_REGION / AWS_DEFAULT_REGION and
        AWS_WEB_IDENTITY_TOKEN_FILE are the defaults, as in the AWS SDKs. The token comes from the GitHub runner
        when its variables are set, else from one of the --web-identity-token-* options.""";
  }

  @Override
  public List<OptionSpec> options() {
    List<OptionSpec> specs = new ArrayList<>();
    for (InputOption input : INPUTS) {
      String help = input.help() + (input.defaultVariables().isEmpty() ? ""
          : " [env: " + String.join(", then ", input.defaultVariables()) + "]");
      specs.add(new OptionSpec(input.input(), Optional.of(input.valueName()), input.repeatable(), help));
    }
    specs.addAll(TokenOptions.specs());
    specs.add(OptionSpec.value(FORMAT, String.join("|", Arrays.stream(OutputFormat.values())
        .map(OutputFormat::cliName).toList()), "how to write the credentials (default: github when "
        + "GITHUB_ACTIONS=true, else env)"));
    return specs;
  }

  @Override
  public int run(ParsedOptions options) throws UsageException {
    return runner.run(request(options, streams.environment()));
  }

  /** The request the options and environment make; options win over the SDK variables. */
  static AssumeRequest request(ParsedOptions options, Map<String, String> environment) throws UsageException {
    Map<String, String> inputs = new LinkedHashMap<>();
    for (InputOption input : INPUTS) {
      List<String> values = options.all(input.input());
      if (!values.isEmpty()) {
        for (String value : values) {
          if (value.isBlank()) {
            throw new UsageException("--" + input.input() + " is empty: give a value, or leave the option out");
          }
        }
        inputs.put(input.input(), String.join("\n", values.stream().map(String::strip).toList()));
        continue;
      }
      input.defaultVariables().stream()
          .map(environment::get)
          .flatMap(value -> TokenOptions.nonBlank(value).stream())
          .findFirst()
          .ifPresent(value -> inputs.put(input.input(), value));
    }
    if (!inputs.containsKey("role-to-assume")) {
      throw new UsageException("no role to assume: give --role-to-assume arn:aws:iam::ACCOUNT:role/NAME "
          + "or set AWS_ROLE_ARN");
    }
    TokenChoice token = TokenOptions.choose(options, environment);
    return new AssumeRequest(inputs, token, format(options, environment));
  }

  private static OutputFormat format(ParsedOptions options, Map<String, String> environment)
      throws UsageException {
    Optional<String> given = options.get(FORMAT);
    if (given.isEmpty()) {
      return "true".equals(environment.get("GITHUB_ACTIONS")) ? OutputFormat.GITHUB : OutputFormat.ENV;
    }
    return OutputFormat.fromCliName(given.get()).orElseThrow(() -> new UsageException(
        "--" + FORMAT + " '" + given.get() + "' is not a format: use one of " + String.join(", ",
            Arrays.stream(OutputFormat.values()).map(OutputFormat::cliName).toList())));
  }
}
