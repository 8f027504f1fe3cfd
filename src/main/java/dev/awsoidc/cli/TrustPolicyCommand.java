package dev.awsoidc.cli;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.token.IdToken;
import dev.awsoidc.trustpolicy.JsonRenderer;
import dev.awsoidc.trustpolicy.TerraformRenderer;
import dev.awsoidc.trustpolicy.TrustPolicy;
import dev.awsoidc.trustpolicy.TrustPolicy.GitLabRef;
import dev.awsoidc.trustpolicy.TrustPolicy.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code trust-policy}: an IAM OIDC provider and a least-privilege role trust policy, as JSON or Terraform. */
final class TrustPolicyCommand implements Command {
  private static final List<String> GITHUB_ONLY = List.of("environment", "pull-request", "job-workflow-ref");
  private static final List<String> GITLAB_ONLY = List.of("gitlab-url", "ref-type");
  private static final List<String> REFS = List.of("ref", "branch", "tag");
  private static final List<String> COGNITO_ONLY = List.of("cognito-client-id");

  private final Streams streams;

  TrustPolicyCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public String name() {
    return "trust-policy";
  }

  @Override
  public String summary() {
    return "print an IAM OIDC provider and a least-privilege role trust policy (JSON or Terraform)";
  }

  @Override
  public String description() {
    return """
        Prints the IAM OIDC identity provider settings and a role trust policy that admits only the jobs named:
        an aud condition always, and sub with StringEquals (StringLike only for a pattern with * or ?). Give one
        of --github-repo, --gitlab-project, --cognito-user-pool or --from-token. --branch, --tag, --ref and
        --environment are repeatable: each adds one allowed sub. Policies that trust too much get a
        'warning: ...' line on stderr with the narrower option to use.
          GitHub: repo:OWNER/REPO:ref:refs/heads/BRANCH | :ref:refs/tags/TAG | :environment:ENV | :pull_request
          GitLab: project_path:GROUP/PROJECT:ref_type:branch|tag:ref:REF
          Cognito: aud = the app client id (the pool's users of that client)
          --from-token: exactly the current token's iss, aud and sub""";
  }

  @Override
  public List<OptionSpec> options() {
    List<OptionSpec> specs = new ArrayList<>(List.of(
        OptionSpec.repeatable("github-repo", "OWNER/REPO", "GitHub repository whose workflows may assume the role"),
        OptionSpec.repeatable("branch", "NAME", "allow this branch (GitHub refs/heads/NAME; GitLab ref_type branch)"),
        OptionSpec.repeatable("tag", "NAME", "allow this tag (GitHub refs/tags/NAME; GitLab ref_type tag)"),
        OptionSpec.repeatable("ref", "REF", "GitHub: allow this full ref (refs/heads/B, refs/tags/T); GitLab: "
            + "this ref, with --ref-type"),
        OptionSpec.repeatable("environment", "NAME", "GitHub: allow jobs in this deployment environment"),
        OptionSpec.flag("pull-request", "GitHub: allow pull_request runs (their sub has no branch)"),
        OptionSpec.value("job-workflow-ref", "REF", "GitHub: for a sub template customised to "
            + "[repo, context, job_workflow_ref]: OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH"),
        OptionSpec.repeatable("gitlab-project", "GROUP/PROJECT", "GitLab project whose jobs may assume the role"),
        OptionSpec.value("gitlab-url", "URL", "GitLab instance, for self-managed GitLab (default: "
            + TrustPolicy.GITLAB_COM + ")"),
        OptionSpec.value("ref-type", "branch|tag", "GitLab: the ref_type of --ref"),
        OptionSpec.value("cognito-user-pool", "POOL_ID", "Amazon Cognito user pool, REGION_ID, e.g. "
            + "us-east-1_AbCdEf123"),
        OptionSpec.value("cognito-client-id", "ID", "Cognito app client id (the ID token's aud)"),
        OptionSpec.flag("from-token", "a policy for exactly the current token's iss, aud and sub (token from the "
            + "GitHub runner or a --web-identity-token-* option)"),
        OptionSpec.value("audience", "AUD", "the aud to require (default: GitHub sts.amazonaws.com, GitLab the "
            + "GitLab URL, Cognito the client id; --from-token: the token's, or requested from the runner)"),
        OptionSpec.value("account-id", "ACCOUNT", "AWS account of the provider ARN (needed for json and policy)"),
        OptionSpec.value("role-name", "NAME", "the role's name (default: " + TrustPolicy.DEFAULT_ROLE_NAME + ")")));
    specs.addAll(TokenOptions.specs());
    specs.add(OptionSpec.value("output", "json|terraform|policy", "json: provider and role; terraform: "
        + "resources; policy: the trust policy document alone, for --assume-role-policy-document (default: json)"));
    return specs;
  }

  @Override
  public int run(ParsedOptions options) throws UsageException {
    String output = options.get("output").orElse("json");
    if (!List.of("json", "terraform", "policy").contains(output)) {
      throw new UsageException("--output '" + output + "' is not a format: use json, terraform or policy");
    }
    Optional<String> accountId = options.get("account-id");
    if (!output.equals("terraform") && accountId.isEmpty()) {
      throw new UsageException("--output " + output + " needs --account-id ACCOUNT: the provider ARN in the "
          + "policy's Principal contains it (--output terraform refers to the provider resource instead)");
    }
    String roleName = options.get("role-name").orElse(TrustPolicy.DEFAULT_ROLE_NAME);
    Source source = source(options);
    if (source == null) return Cli.FAILURE; // the token could not be read; said on stderr
    TrustPolicy policy;
    try {
      policy = TrustPolicy.of(source, roleName, accountId);
    } catch (TrustPolicy.InvalidSourceException e) {
      throw new UsageException(e.getMessage());
    }
    String text = switch (output) {
      case "terraform" -> TerraformRenderer.render(policy);
      case "policy" -> JsonRenderer.policyDocument(policy);
      default -> JsonRenderer.render(policy);
    };
    policy.warnings().forEach(warning -> streams.err().println("warning: " + warning));
    streams.out().print(text);
    streams.out().flush();
    return Cli.OK;
  }

  /** The one source the options name; null when --from-token could not read the token (already reported). */
  private Source source(ParsedOptions options) throws UsageException {
    List<String> chosen = new ArrayList<>();
    for (String name : List.of("github-repo", "gitlab-project", "cognito-user-pool", "from-token")) {
      if (options.has(name)) chosen.add("--" + name);
    }
    if (chosen.size() != 1) {
      throw new UsageException((chosen.isEmpty() ? "nothing to trust" : String.join(" and ", chosen)
          + " cannot be combined") + ": give one of --github-repo OWNER/REPO, --gitlab-project GROUP/PROJECT, "
          + "--cognito-user-pool POOL_ID or --from-token");
    }
    Optional<String> audience = options.get("audience");
    switch (chosen.getFirst()) {
      case "--github-repo" -> {
        refuse(options, "--github-repo", GITLAB_ONLY, COGNITO_ONLY);
        List<String> refs = new ArrayList<>(options.all("ref"));
        options.all("branch").forEach(branch -> refs.add("refs/heads/" + branch));
        options.all("tag").forEach(tag -> refs.add("refs/tags/" + tag));
        return new Source.GitHub(options.all("github-repo"), refs, options.all("environment"),
            options.has("pull-request"), options.get("job-workflow-ref"), audience);
      }
      case "--gitlab-project" -> {
        if (options.has("environment")) {
          throw new UsageException("--environment applies to GitHub only: GitLab's sub holds the project, "
              + "ref_type and ref, not the environment; use --branch or --tag (and protect them)");
        }
        refuse(options, "--gitlab-project", GITHUB_ONLY, COGNITO_ONLY);
        List<GitLabRef> refs = new ArrayList<>();
        options.all("branch").forEach(branch -> refs.add(new GitLabRef("branch", branch)));
        options.all("tag").forEach(tag -> refs.add(new GitLabRef("tag", tag)));
        if (options.has("ref") != options.has("ref-type")) {
          throw new UsageException("--ref and --ref-type go together for GitLab: --ref-type branch --ref main "
              + "(or use --branch main / --tag v1)");
        }
        for (String ref : options.all("ref")) refs.add(new GitLabRef(options.get("ref-type").orElseThrow(), ref));
        return new Source.GitLab(options.get("gitlab-url").orElse(TrustPolicy.GITLAB_COM),
            options.all("gitlab-project"), refs, audience);
      }
      case "--cognito-user-pool" -> {
        refuse(options, "--cognito-user-pool", GITHUB_ONLY, GITLAB_ONLY, REFS);
        Optional<String> clientId = options.get("cognito-client-id");
        if (clientId.isEmpty()) {
          throw new UsageException("--cognito-user-pool needs --cognito-client-id ID: the app client id is the "
              + "ID token's aud, and the provider's client id");
        }
        return new Source.Cognito(options.get("cognito-user-pool").orElseThrow(), clientId.get(), audience);
      }
      default -> {
        refuse(options, "--from-token", GITHUB_ONLY, GITLAB_ONLY, REFS, COGNITO_ONLY);
        return fromToken(options, audience);
      }
    }
  }

  @SafeVarargs
  private static void refuse(ParsedOptions options, String mode, List<String>... groups) throws UsageException {
    for (List<String> group : groups) {
      for (String name : group) {
        if (options.has(name)) throw new UsageException("--" + name + " does not apply with " + mode
            + ": leave it out");
      }
    }
  }

  private Source fromToken(ParsedOptions options, Optional<String> audience) throws UsageException {
    TokenChoice choice = TokenOptions.choose(options, streams.environment());
    IdToken token;
    try {
      token = TokenReader.read(choice, audience.orElse(TrustPolicy.GITHUB_AUDIENCE), streams);
    } catch (TokenReader.TokenReadException e) {
      streams.err().println("error: " + e.getMessage());
      return null;
    }
    Optional<String> issuer = token.claims().issuer();
    Optional<String> subject = token.claims().subject();
    List<String> audiences = token.claims().audiences();
    if (issuer.isEmpty() || subject.isEmpty() || audiences.isEmpty()) {
      streams.err().println("error: the token from " + TokenReader.describe(choice) + " has no " + (issuer.isEmpty()
          ? "iss" : subject.isEmpty() ? "sub" : "aud") + " claim: STS would refuse it; check what issued it");
      return null;
    }
    String chosenAudience = audiences.getFirst();
    if (audience.isPresent()) {
      if (!audiences.contains(audience.get())) {
        throw new UsageException("--audience '" + audience.get() + "' is not one of the token's audiences "
            + audiences + ": leave it out, or give one of those");
      }
      chosenAudience = audience.get();
    }
    return new Source.Token(issuer.get(), chosenAudience, subject.get());
  }
}
