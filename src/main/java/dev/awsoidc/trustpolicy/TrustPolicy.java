package dev.awsoidc.trustpolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IAM OIDC identity provider and the least-privilege trust policy of a role that tokens from it may assume:
 * {@code sts:AssumeRoleWithWebIdentity} for the provider, an {@code aud} condition always, and a {@code sub}
 * condition listing the subjects allowed ({@code StringEquals}, or {@code StringLike} when one has a wildcard).
 * Made from a {@link Source} by {@link #of}, which also says, in {@link #warnings()}, what trusts too much.
 *
 * @param issuerUrl the provider URL, which is the tokens' {@code iss}
 * @param subjects the {@code sub} values or patterns allowed; empty for no {@code sub} condition (Cognito, where
 *     the app client id in {@code aud} is the pin)
 * @param accountId the account of the provider ARN, when known
 * @param warnings one line each, without the {@code warning: } prefix: what trusts too much and what to use
 */
public record TrustPolicy(String issuerUrl, String audience, List<String> subjects, String roleName,
    Optional<String> accountId, List<String> warnings) {
  public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
  public static final String GITHUB_AUDIENCE = "sts.amazonaws.com";
  public static final String GITLAB_COM = "https://gitlab.com";
  public static final String DEFAULT_ROLE_NAME = "deploy";
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern COGNITO_POOL = Pattern.compile("([a-z]{2}(?:-[a-z]+)+-\\d)_[0-9A-Za-z]+");

  public TrustPolicy {
    Objects.requireNonNull(issuerUrl);
    Objects.requireNonNull(audience);
    subjects = List.copyOf(subjects);
    warnings = List.copyOf(warnings);
  }

  /** What the policy is for. Values are checked by {@link #of}, which names the option to fix. */
  public sealed interface Source {
    /**
     * GitHub Actions. Each repository ({@code OWNER/REPO}) with each context: a full ref, an environment, or
     * pull requests; no context allows any. {@code jobWorkflowRef} is for a customised sub template
     * {@code [repo, context, job_workflow_ref]}.
     */
    record GitHub(List<String> repositories, List<String> refs, List<String> environments, boolean pullRequest,
        Optional<String> jobWorkflowRef, Optional<String> audience) implements Source {}

    /** GitLab CI: each project path with each (ref type, ref); none allows any branch or tag. */
    record GitLab(String gitlabUrl, List<String> projects, List<GitLabRef> refs, Optional<String> audience)
        implements Source {}

    /** An Amazon Cognito user pool's ID tokens for one app client ({@code aud} = the client id). */
    record Cognito(String userPoolId, String clientId, Optional<String> audience) implements Source {}

    /** Exactly the token at hand: its own {@code iss}, {@code aud} and {@code sub}. */
    record Token(String issuer, String audience, String subject) implements Source {}
  }

  /** A GitLab {@code ref_type} ({@code branch} or {@code tag}) and {@code ref}. */
  public record GitLabRef(String refType, String ref) {}

  /** A value a user gave that cannot make a policy; the message names the option and the fix. */
  public static final class InvalidSourceException extends Exception {
    public InvalidSourceException(String message) {
      super(message, null, false, false);
    }
  }

  public static TrustPolicy of(Source source, String roleName, Optional<String> accountId)
      throws InvalidSourceException {
    if (!ROLE_NAME.matcher(roleName).matches()) {
      throw new InvalidSourceException("--role-name '" + roleName + "' is not an IAM role name: 1-64 letters, "
          + "digits and + = , . @ _ -");
    }
    if (accountId.isPresent() && !ACCOUNT.matcher(accountId.get()).matches()) {
      throw new InvalidSourceException("--account-id '" + accountId.get() + "' is not an AWS account id: "
          + "12 digits, e.g. 111122223333");
    }
    List<String> warnings = new ArrayList<>();
    return switch (source) {
      case Source.GitHub github -> new TrustPolicy(GITHUB_ISSUER, audience(github.audience(), GITHUB_AUDIENCE),
          gitHubSubjects(github, warnings), roleName, accountId, warnings);
      case Source.GitLab gitlab -> {
        String url = gitLabUrl(gitlab.gitlabUrl());
        yield new TrustPolicy(url, audience(gitlab.audience(), url), gitLabSubjects(gitlab, warnings), roleName,
            accountId, warnings);
      }
      case Source.Cognito cognito -> {
        var pool = COGNITO_POOL.matcher(cognito.userPoolId());
        if (!pool.matches()) {
          throw new InvalidSourceException("--cognito-user-pool '" + cognito.userPoolId() + "' is not a user "
              + "pool id: REGION_ID, e.g. us-east-1_AbCdEf123");
        }
        if (cognito.clientId().isBlank()) throw new InvalidSourceException("--cognito-client-id is empty");
        yield new TrustPolicy("https://cognito-idp." + pool.group(1) + ".amazonaws.com/" + cognito.userPoolId(),
            audience(cognito.audience(), cognito.clientId()), List.of(), roleName, accountId, warnings);
      }
      case Source.Token token -> {
        if (!token.issuer().startsWith("https://")) {
          warnings.add("the token's issuer '" + token.issuer() + "' is not an https URL: IAM accepts only https "
              + "provider URLs");
        }
        yield new TrustPolicy(token.issuer(), token.audience(), List.of(token.subject()), roleName, accountId,
            warnings);
      }
    };
  }

  /** The provider as IAM names it: the issuer URL without {@code https://} and trailing slashes. */
  public String providerPath() {
    return issuerUrl.replaceFirst("^https?://", "").replaceAll("/+$", "");
  }

  /** {@code arn:aws:iam::ACCOUNT:oidc-provider/PATH}, when the account is known. */
  public Optional<String> providerArn() {
    return accountId.map(account -> "arn:aws:iam::" + account + ":oidc-provider/" + providerPath());
  }

  /** The provider's client id list: the one audience the role accepts. */
  public List<String> clientIds() {
    return List.of(audience);
  }

  public String audienceKey() {
    return providerPath() + ":aud";
  }

  public String subjectKey() {
    return providerPath() + ":sub";
  }

  /** IAM's StringEquals compares exactly; StringLike is needed only for {@code *} and {@code ?}. */
  public String subjectOperator() {
    return subjects.stream().anyMatch(TrustPolicy::hasWildcard) ? "StringLike" : "StringEquals";
  }

  static boolean hasWildcard(String value) {
    return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
  }

  private static String audience(Optional<String> given, String fallback) throws InvalidSourceException {
    if (given.isPresent() && given.get().isBlank()) {
      throw new InvalidSourceException("--audience is empty: every trust policy needs an aud condition; leave "
          + "--audience out for the default (" + fallback + ")");
    }
    return given.orElse(fallback);
  }

  // ---- GitHub ----

  private static List<String> gitHubSubjects(Source.GitHub github, List<String> warnings)
      throws InvalidSourceException {
    if (github.repositories().isEmpty()) throw new InvalidSourceException("--github-repo OWNER/REPO is missing");
    List<String> contexts = new ArrayList<>();
    for (String ref : github.refs()) {
      if (!ref.startsWith("refs/")) {
        throw new InvalidSourceException("--ref '" + ref + "' is not a full ref: write refs/heads/" + ref
            + " (or --branch " + ref + "), or refs/tags/NAME (or --tag NAME)");
      }
      contexts.add("ref:" + ref);
    }
    for (String environment : github.environments()) {
      if (environment.isBlank()) throw new InvalidSourceException("--environment is empty");
      contexts.add("environment:" + environment.replace(":", "%3A")); // GitHub writes a ':' in a value as %3A
    }
    if (github.pullRequest()) contexts.add("pull_request");
    String workflow = "";
    if (github.jobWorkflowRef().isPresent()) {
      String ref = github.jobWorkflowRef().get();
      if (!ref.matches("[^/:]+/[^/:]+/\\.github/workflows/[^@:]+@[^:]+")) {
        throw new InvalidSourceException("--job-workflow-ref '" + ref + "' is not a job_workflow_ref: "
            + "OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH");
      }
      workflow = ":job_workflow_ref:" + ref;
    }
    List<String> subjects = new ArrayList<>();
    for (String repository : github.repositories()) {
      if (!repository.equals("*") && !repository.matches("[^/:\\s]+/[^/:\\s]+")) {
        throw new InvalidSourceException("--github-repo '" + repository + "' is not OWNER/REPO, e.g. "
            + "octo-org/octo-repo");
      }
      String owner = repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : "*";
      String example = (hasWildcard(owner) ? "OWNER" : owner) + "/REPO";
      if (hasWildcard(owner)) {
        warnings.add("'repo:" + repository + "' trusts repositories of every owner on GitHub" + (workflow.isEmpty()
            ? "" : ", wherever they call that workflow") + ": name the repository, e.g. --github-repo " + example);
      } else if (!workflow.isEmpty()) {
        // a fixed reusable workflow is the change control: the README's central deploy workflow pattern
      } else if (hasWildcard(repository)) {
        warnings.add("'repo:" + repository + "' trusts " + (contexts.isEmpty() ? "every branch, tag, pull request "
            + "and environment of " : "") + "every repository of " + owner + ", including ones created later: "
            + "name the repository, e.g. --github-repo " + example
            + (contexts.isEmpty() ? " --branch main (repo:" + example + ":ref:refs/heads/main)" : ""));
      } else if (contexts.isEmpty()) {
        warnings.add("'repo:" + repository + ":*' trusts every branch, tag, pull request and environment of "
            + repository + ": add --branch main (repo:" + repository + ":ref:refs/heads/main) or --environment "
            + "NAME (repo:" + repository + ":environment:NAME)");
      }
      if (contexts.isEmpty()) subjects.add("repo:" + repository + ":*" + workflow);
      for (String context : contexts) subjects.add("repo:" + repository + ":" + context + workflow);
    }
    return subjects;
  }

  // ---- GitLab ----

  private static String gitLabUrl(String url) throws InvalidSourceException {
    String trimmed = url.strip().replaceAll("/+$", "");
    if (!trimmed.matches("https://[^/\\s?#]+(/[^\\s?#]*)?")) {
      throw new InvalidSourceException("--gitlab-url '" + url + "' is not an https URL: IAM providers must be "
          + "https, e.g. https://gitlab.example.com");
    }
    return trimmed;
  }

  private static List<String> gitLabSubjects(Source.GitLab gitlab, List<String> warnings)
      throws InvalidSourceException {
    if (gitlab.projects().isEmpty()) throw new InvalidSourceException("--gitlab-project GROUP/PROJECT is missing");
    for (GitLabRef ref : gitlab.refs()) {
      if (!ref.refType().equals("branch") && !ref.refType().equals("tag")) {
        throw new InvalidSourceException("--ref-type '" + ref.refType() + "' is not a GitLab ref_type: use "
            + "branch or tag");
      }
      if (ref.ref().isBlank()) throw new InvalidSourceException("an empty --" + ref.refType() + " or --ref");
    }
    List<String> subjects = new ArrayList<>();
    for (String project : gitlab.projects()) {
      if (!project.matches("[^/:\\s]+(/[^/:\\s]+)+") && !project.equals("*")) {
        throw new InvalidSourceException("--gitlab-project '" + project + "' is not GROUP/PROJECT (subgroups "
            + "allowed), e.g. my-group/my-project");
      }
      String example = project.contains("/") ? project.substring(0, project.lastIndexOf('/')) + "/PROJECT"
          : "GROUP/PROJECT";
      if (hasWildcard(project)) {
        warnings.add("'project_path:" + project + "' trusts every project " + (project.equals("*")
            ? "on this GitLab instance" : "under " + project.substring(0, Math.max(0, project.indexOf('*'))))
            + (gitlab.refs().isEmpty() ? ", on every branch and tag" : "") + ", including projects created later: "
            + "name the project, e.g. --gitlab-project " + (hasWildcard(example) ? "GROUP/PROJECT" : example)
            + (gitlab.refs().isEmpty() ? " --branch main" : ""));
      } else if (gitlab.refs().isEmpty()) {
        warnings.add("'project_path:" + project + ":*' trusts every branch and tag of " + project + ", "
            + "including unprotected branches any Developer can push: add --branch main (project_path:" + project
            + ":ref_type:branch:ref:main) and protect that branch");
      }
      if (gitlab.refs().isEmpty()) subjects.add("project_path:" + project + ":*");
      for (GitLabRef ref : gitlab.refs()) {
        subjects.add("project_path:" + project + ":ref_type:" + ref.refType() + ":ref:" + ref.ref());
      }
    }
    return subjects;
  }
}
