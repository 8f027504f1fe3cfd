package dev.awsoidc.diagnosis;

import dev.awsoidc.config.ActionSettings;
import dev.awsoidc.credentials.AccountNotAllowedException;
import dev.awsoidc.credentials.DeadlineExceededException;
import dev.awsoidc.credentials.NoSourceCredentialsException;
import dev.awsoidc.credentials.SpecialCharacters;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.export.ExportException;
import dev.awsoidc.proxy.HttpProxy;
import dev.awsoidc.token.IdTokenUnavailableException;
import dev.awsoidc.token.JwtClaims;
import dev.awsoidc.token.TokenRequestException;
import dev.awsoidc.sts.StsCallException;
import java.net.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Names the cause of a failure and the fix. Every message says what happened, which input or setting is
 * involved, and what to change; STS's code and request id are kept for anything we do not recognise.
 */
public final class Diagnoser {
  private static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

  private Diagnoser() {}

  public static Diagnosis diagnose(Throwable failure, FailureContext context) {
    return switch (failure) {
      case IdTokenUnavailableException e -> e.missingPermission() ? missingPermission(e)
          : Diagnosis.of("No usable ID token", e.getMessage());
      case TokenRequestException e -> tokenRequest(e, context);
      case StsCallException e -> withStsWords(sts(e, context), e);
      case NoSourceCredentialsException e -> Diagnosis.of("No credentials to sign AssumeRole with",
          e.getMessage() + ". " + e.fix() + ".");
      case AccountNotAllowedException e -> Diagnosis.of("Account not allowed",
          "Input 'allowed-account-ids': " + e.getMessage() + ". Nothing was exported. Check role-to-assume (or the "
              + "access keys), or add " + e.account() + " to allowed-account-ids if this account is meant to be used.");
      case SpecialCharacters.SpecialCharactersException e -> Diagnosis.of("Credentials kept special characters",
          "Input 'special-characters-workaround': " + e.getMessage() + ". Nothing was exported. STS's secrets are "
              + "random; the character class excludes + and / (in every base64 secret). Quote the variables in the "
              + "tool that mangles them instead, and turn the workaround off.");
      case ExportException e -> Diagnosis.of("Could not export the credentials", e.getMessage() + ". " + e.fix() + ".");
      case DeadlineExceededException e -> Diagnosis.of("Timed out",
          "The action did not finish within action-timeout-s (" + e.timeout().toSeconds() + " s) while "
              + e.stage() + ". Nothing was exported. Raise 'action-timeout-s' if the network is slow, or check"
              + " that the endpoints are reachable from the runner.").transientCause();
      default -> Diagnosis.of("Unexpected error",
          failure.getClass().getSimpleName() + ": " + failure.getMessage()
              + ". Nothing was exported. Re-run with debug logging (RUNNER_DEBUG=1) for the stack trace, and report "
              + "it if it persists.");
    };
  }

  private static Diagnosis missingPermission(IdTokenUnavailableException e) {
    return Diagnosis.of("Missing permission id-token: write",
        "This job cannot request a GitHub OIDC token: " + String.join(" and ", e.missingVariables())
            + (e.missingVariables().size() > 1 ? " are" : " is") + " not set. Add 'permissions: id-token: write'"
            + " to the job, or at the top of the workflow (a job that lists any permission gets none that it does"
            + " not list, so add 'contents: read' too if the job checks out code). A reusable workflow gets"
            + " the permission only if the calling job grants it. Pull requests from forks and Dependabot runs"
            + " never get an ID token: run this on push or in a workflow that does not serve forks.");
  }

  private static Diagnosis tokenRequest(TokenRequestException e, FailureContext context) {
    int status = e.httpStatus();
    if (status == 407) return proxyLoginRefused("the runner's token endpoint", e.endpoint(), context);
    if (status == 401 || status == 403) {
      return Diagnosis.of("OIDC token request refused (HTTP " + status + ")",
          "The runner's token endpoint (" + e.endpoint() + ") refused ACTIONS_ID_TOKEN_REQUEST_TOKEN: the request "
              + "token is invalid or expired. It is valid only for the running job: do not set it in 'env:' or copy "
              + "it from another job, and re-run the job if it ran for hours before this step.");
    }
    if (status == 404) {
      return Diagnosis.of("OIDC token endpoint not found (HTTP 404)",
          "The runner's token endpoint (" + e.endpoint() + ") answered 404. Check that nothing in 'env:' overrides "
              + "ACTIONS_ID_TOKEN_REQUEST_URL.");
    }
    if (e.getMessage() != null && e.getMessage().startsWith("the TLS handshake")) {
      return Diagnosis.of("OIDC token endpoint not trusted",
          "The TLS handshake with the runner's token endpoint (" + e.endpoint() + ") failed: " + e.getMessage()
              + ". On a self-hosted runner behind a TLS-inspecting proxy, the proxy's CA must be in the Java trust "
              + "store the action uses; certificate checks are never turned off.");
    }
    if (status >= 200 && status < 300) {
      return Diagnosis.of("Could not get an OIDC token",
          "The runner's token endpoint (" + e.endpoint() + ") answered, but " + e.getMessage() + ". Something other "
              + "than GitHub's token service may have answered: check that nothing in 'env:' overrides "
              + "ACTIONS_ID_TOKEN_REQUEST_URL, and the proxy. " + proxyText(context, e.endpoint())
              + " Re-run the job if it was a passing fault.");
    }
    String attempts = e.attempts() > 1 ? " after " + e.attempts() + " attempts" : "";
    Diagnosis diagnosis = Diagnosis.of("Could not get an OIDC token",
        "The runner's token endpoint (" + e.endpoint() + ") failed" + attempts + ": " + e.getMessage()
            + ". This is usually a passing GitHub outage: re-run the job. Raise 'retry-max-attempts' to wait longer."
            + (status == 0 ? " " + proxyText(context, e.endpoint()) : ""));
    return status == 0 || status >= 500 || status == 429 ? diagnosis.transientCause() : diagnosis;
  }

  /** STS's own words, verbatim, so users can search for the text they see. */
  private static Diagnosis withStsWords(Diagnosis diagnosis, StsCallException e) {
    if (!e.answered()) return diagnosis;
    List<String> details = new ArrayList<>(diagnosis.details());
    if (!details.isEmpty()) details.add("");
    details.add("STS " + e.operation() + " answered HTTP " + e.httpStatus() + ": "
        + e.errorCode().orElse("(no code)") + ": " + Optional.ofNullable(e.getMessage()).orElse(""));
    e.requestId().ifPresent(id -> details.add("STS request id: " + id));
    return diagnosis.withDetails(details);
  }

  private static Diagnosis sts(StsCallException e, FailureContext context) {
    if (!e.answered() && e.getMessage() != null && e.getMessage().contains("Unable to load credentials")) {
      return RunnerCredentialsAdvice.diagnose(e.getMessage(), context);
    }
    if (e.answered() && e.httpStatus() < 300) return unreadableAnswer(e, context);
    // a plain-http endpoint through a proxy: the proxy's 407 reaches the SDK as an answer (a tunnel's does not)
    if (e.httpStatus() == 407) return proxyLoginRefused("STS", e.endpoint(), context);
    if (!e.operation().equals("AssumeRoleWithWebIdentity") && e.answered()) {
      Optional<Diagnosis> signed = SignedCallAdvice.diagnose(e, context);
      if (signed.isPresent()) return signed.get();
    }
    JwtClaims claims = context.claims().orElse(JwtClaims.empty());
    Optional<ActionSettings> settings = context.settings();
    String role = settings.flatMap(ActionSettings::role).map(RoleRequest::roleArn).orElse("the role");
    String code = e.errorCode().orElse("");
    String message = Optional.ofNullable(e.getMessage()).orElse("");
    String requestId = e.requestId().map(id -> " (STS request id " + id + ")").orElse("");

    if (!e.answered()) return unreachable(e, context);
    return switch (code) {
      case "InvalidIdentityToken" -> {
        if (message.startsWith("No OpenIDConnect provider found")) yield missingProvider(claims, message);
        if (message.contains("Incorrect token audience")) yield wrongAudience(claims);
        // a token from a file or variable may come from an issuer that sets no exp; STS refuses those outright
        if (context.claims().isPresent() && !claims.hasExpiry()) {
          yield Diagnosis.of("Identity token has no expiry",
              "STS rejected the ID token: " + message + requestId + ". The token has no numeric 'exp' claim, and "
                  + "STS accepts only tokens that expire: have " + claims.issuer().orElse("its issuer") + " set "
                  + "'exp' (the tokens of GitHub, GitLab and Cognito always carry it), or give a token from one "
                  + "that does.")
              .withDetails(TrustPolicyAdvice.claimLines(claims));
        }
        yield Diagnosis.of("Identity token rejected",
            "STS rejected the ID token: " + message + requestId + ". Check that the IAM OIDC provider for "
                + claims.issuer().orElse(DEFAULT_ISSUER) + " is the one this token comes from.")
            .withDetails(TrustPolicyAdvice.claimLines(claims));
      }
      case "AccessDenied" -> accessDenied(role, claims, message, requestId);
      case "ExpiredTokenException" -> Diagnosis.of("ID token expired",
          "STS says the ID token had expired when it arrived: " + message + ". GitHub's tokens live about 5 minutes;"
              + " the action fetches a fresh one before each attempt, so this points at a runner clock that is off"
              + " or a very slow network. Re-run the job.").transientCause();
      case "ValidationError" -> validation(message, requestId, settings);
      case "MalformedPolicyDocument" -> Diagnosis.of("Session policy rejected",
          "STS rejected 'inline-session-policy': " + message + requestId + ". It must be a valid IAM policy "
              + "document (Version, Statement with Effect, Action, Resource).");
      case "PackedPolicyTooLarge" -> Diagnosis.of("Session policies too large",
          "STS says the session policies are too large: " + message + requestId + ". Shorten "
              + "'inline-session-policy' or pass fewer 'managed-session-policies'.");
      case "RegionDisabledException" -> Diagnosis.of("STS is not active in this region",
          message + requestId + ". Activate STS for region '" + settings.map(ActionSettings::region).orElse("?")
              + "' in IAM account settings, or use another 'aws-region'.");
      case "Throttling", "IDPCommunicationError", "IDPRejectedClaim", "ServiceUnavailable", "InternalFailure" ->
          exhausted(code, message, requestId, e.attempts());
      // any other 5xx or 429, with a code or without (a gateway's error page): retried like the ones above
      default -> e.httpStatus() >= 500 || e.httpStatus() == 429
          ? exhausted(code.isEmpty() ? "HTTP " + e.httpStatus() : code, message, requestId, e.attempts())
          : Diagnosis.of("STS error " + (code.isEmpty() ? "HTTP " + e.httpStatus() : code),
              e.operation() + " for " + role + " failed: " + (code.isEmpty() ? "" : code + ": ") + message
                  + requestId + ".");
    };
  }

  private static Diagnosis missingProvider(JwtClaims claims, String message) {
    String issuer = message.replaceFirst("^No OpenIDConnect provider found in your account for\\s*", "").strip();
    if (issuer.isEmpty()) issuer = claims.issuer().orElse(DEFAULT_ISSUER);
    String audience = claims.audiences().isEmpty() ? "sts.amazonaws.com" : claims.audiences().getFirst();
    return Diagnosis.of("No IAM OIDC provider for " + issuer,
        "The AWS account of the role has no IAM OIDC identity provider for " + issuer + ". Create one with URL "
            + issuer + " and audience " + audience + " (once per account), then reference it in the role's trust "
            + "policy.")
        .withDetails(List.of(
            "aws iam create-open-id-connect-provider --url " + issuer + " --client-id-list " + audience,
            "",
            "resource \"aws_iam_openid_connect_provider\" \"github\" {",
            "  url            = \"" + issuer + "\"",
            "  client_id_list = [\"" + audience + "\"]",
            "}"));
  }

  private static Diagnosis wrongAudience(JwtClaims claims) {
    String audience = claims.audiences().isEmpty() ? "(none)" : String.join(", ", claims.audiences());
    return Diagnosis.of("Token audience not accepted",
        "STS says 'Incorrect token audience': this token's aud is " + audience + ", which is not among the "
            + "client IDs (audiences) of the IAM OIDC provider for " + claims.issuer().orElse(DEFAULT_ISSUER)
            + ". Either set the 'audience' input to one of the provider's audiences, or add " + audience
            + " to the provider: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn"
            + " <provider-arn> --client-id " + audience + ". (The usual value is sts.amazonaws.com;"
            + " sts.amazonaws.com.cn in China.)")
        .withDetails(TrustPolicyAdvice.claimLines(claims));
  }

  private static Diagnosis accessDenied(String role, JwtClaims claims, String message, String requestId) {
    List<String> details = new ArrayList<>();
    details.add("This job's token claims:");
    TrustPolicyAdvice.claimLines(claims).forEach(line -> details.add("  " + line));
    details.add("");
    details.add("A trust-policy condition that matches this job:");
    details.addAll(TrustPolicyAdvice.condition(claims).lines().toList());
    details.add("");
    TrustPolicyAdvice.hints(claims).forEach(hint -> details.add("- " + hint));
    return Diagnosis.of("Role trust policy does not allow this job",
        "STS denied AssumeRoleWithWebIdentity for " + role + ": " + message + requestId + ". The role's trust "
            + "policy does not accept this token: its conditions on :aud and :sub must match the claims below, or "
            + "the role does not exist in that account.")
        .withDetails(details);
  }

  private static Diagnosis validation(String message, String requestId, Optional<ActionSettings> settings) {
    if (message.contains("MaxSessionDuration")) {
      int duration = settings.flatMap(ActionSettings::role).map(RoleRequest::durationSeconds).orElse(0);
      String roleName = settings.flatMap(ActionSettings::role).map(r -> r.roleArn().replaceFirst(".*:role/(.*/)?", ""))
          .orElse("ROLE");
      return Diagnosis.of("Session longer than the role allows",
          "'role-duration-seconds' is " + duration + ", more than the role's maximum session duration (" + message
              + requestId + "). Lower 'role-duration-seconds' to the role's MaxSessionDuration (3600 by default), or "
              + "raise it: aws iam update-role --role-name " + roleName + " --max-session-duration " + duration + ".");
    }
    String input = message.contains("roleSessionName") ? "role-session-name"
        : message.contains("durationSeconds") ? "role-duration-seconds"
        : message.contains("roleArn") ? "role-to-assume"
        : message.toLowerCase(Locale.ROOT).contains("polic") ? "inline-session-policy or managed-session-policies"
        : null;
    return Diagnosis.of("STS rejected a parameter",
        "STS says: " + message + requestId + "."
            + (input == null ? "" : " Check the input " + input + "."));
  }

  private static Diagnosis exhausted(String code, String message, String requestId, int attempts) {
    String why = switch (code) {
      case "Throttling" -> "STS is throttling calls in this account";
      case "IDPCommunicationError", "IDPRejectedClaim" -> "STS could not reach the token issuer to check the token";
      default -> "STS had a service error";
    };
    return Diagnosis.of("STS " + code + " (gave up after " + attempts + (attempts == 1 ? " attempt)" : " attempts)"),
        why + ": " + message + requestId + ". This is transient: re-run the job, or raise 'retry-max-attempts'.")
        .transientCause();
  }

  private static Diagnosis unreachable(StsCallException e, FailureContext context) {
    String source = context.settings().map(s -> s.stsEndpoint().source()).orElse("the regional default");
    String host = hostOf(e.endpoint());
    if (e.getMessage() != null && e.getMessage().contains("407 Proxy Authentication Required")) {
      return proxyLoginRefused("STS", e.endpoint(), context);
    }
    if (e.certificateRejected()) {
      return Diagnosis.of("STS endpoint not trusted",
          "The TLS handshake with STS at " + e.endpoint() + " (from " + source + ") failed on its certificate: "
              + e.getMessage() + ". Nothing was sent, and the call was not repeated. Check that the endpoint is the "
              + "right host (a VPC endpoint needs its own DNS name, not an IP address), that the runner's clock is "
              + "right, and, behind a TLS-inspecting proxy, that the proxy's CA is in the Java trust store the action "
              + "uses; certificate checks are never turned off.");
    }
    return Diagnosis.of("Cannot reach STS at " + host,
        "No answer from STS at " + e.endpoint() + " (from " + source + "): " + e.getMessage() + ". Check the "
            + "host name and port, that the runner can reach it (firewall, VPC endpoint, DNS), and 'aws-region'. "
            + proxyText(context, e.endpoint())).transientCause();
  }

  /** STS (or something in its place) answered 2xx, but not with what every answer holds. */
  private static Diagnosis unreadableAnswer(StsCallException e, FailureContext context) {
    String source = context.settings().map(s -> s.stsEndpoint().source()).orElse("the regional default");
    return Diagnosis.of("Unreadable answer from STS",
        "STS at " + e.endpoint() + " (from " + source + ") answered " + e.operation() + " with HTTP "
            + e.httpStatus() + ", but " + e.getMessage() + ". Nothing was exported. Something other than STS may "
            + "have answered: check the endpoint ('sts-endpoint', AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) and the "
            + "proxy. " + proxyText(context, e.endpoint()) + " Re-run the job if it was a passing fault.");
  }

  private static Diagnosis proxyLoginRefused(String what, String endpoint, FailureContext context) {
    return Diagnosis.of("The proxy wants a user and password",
        "The proxy answered 407 Proxy Authentication Required on the way to " + what + " (" + endpoint + "). "
            + proxyText(context, endpoint) + " Give them in the proxy URL: http://user:password@host:port (the"
            + " password is masked).");
  }

  /** Which proxy the request went through, if any (the clients' own decision), and how to change that. */
  private static String proxyText(FailureContext context, String endpoint) {
    Optional<HttpProxy> proxy = context.settings().flatMap(ActionSettings::proxy);
    if (proxy.isEmpty()) {
      return "No proxy is set ('http-proxy', HTTPS_PROXY, HTTP_PROXY): the request went direct.";
    }
    String host = hostOf(endpoint);
    Optional<URI> uri = uriOf(endpoint);
    if (uri.isPresent() && uri.get().getHost() != null && proxy.get().proxyFor(uri.get()) == Proxy.NO_PROXY) {
      return host + " bypasses the proxy " + proxy.get().description() + " by 'no-proxy'/NO_PROXY: the request went"
          + " direct.";
    }
    return "The request went through the proxy " + proxy.get().description() + ": check that the proxy is up and"
        + " lets the runner reach " + host + ", or list the host in 'no-proxy'/NO_PROXY to go direct.";
  }

  private static String hostOf(String endpoint) {
    return uriOf(endpoint).map(URI::getHost).orElse(endpoint);
  }

  /** An endpoint description's URL: it may be followed by words, e.g. "(regional default)". */
  private static Optional<URI> uriOf(String endpoint) {
    try {
      return Optional.of(URI.create(endpoint.split(" ")[0]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }


  /** The claims worth showing for a job, for summaries. */
  public static Map<String, String> shownClaims(JwtClaims claims) {
    Map<String, String> shown = new java.util.LinkedHashMap<>();
    for (String name : TrustPolicyAdvice.SHOWN_CLAIMS) claims.get(name).ifPresent(value -> shown.put(name, value));
    return shown;
  }
}
