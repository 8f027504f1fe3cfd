package dev.awsoidc.diagnosis;

import java.util.List;

/**
 * The runner-credentials path found nothing. On GitHub's hosted runners that is nearly always a job that meant
 * to use OIDC but lacks {@code id-token: write}; on a self-hosted runner on EC2, a container cannot reach the
 * instance metadata service when the instance's IMDSv2 hop limit is 1 (the answer dies one hop short).
 */
final class RunnerCredentialsAdvice {
  private RunnerCredentialsAdvice() {}

  static Diagnosis diagnose(String chainMessage, FailureContext context) {
    boolean inGitHub = "true".equals(context.environment().get("GITHUB_ACTIONS"));
    boolean noOidc = context.environment().getOrDefault("ACTIONS_ID_TOKEN_REQUEST_URL", "").isBlank();
    String lower = chainMessage.toLowerCase(java.util.Locale.ROOT);
    // the SDK says only "Failed to load credentials from IMDS"; from a container on EC2 the usual cause is the hop
    // limit, elsewhere there is no instance metadata at all: the message covers both
    boolean metadataFailed = lower.contains("from imds") || lower.contains("metadata service");
    if (metadataFailed) {
      return Diagnosis.of("Instance metadata unreachable from the container",
          "The role was to be assumed with the runner's own credentials (no OIDC token, no access keys), and the "
              + "EC2 instance metadata service gave the action's container no credentials. On EC2, IMDSv2 answers "
              + "travel one network hop by default and a container is one hop further: raise the instance's hop "
              + "limit to 2 (in its launch template too, so new runners get it), and check that the instance has an "
              + "instance profile. If this runner is not on EC2, or you meant OIDC, add 'permissions: id-token: "
              + "write' to the job instead.")
          .withDetails(List.of(
              "aws ec2 modify-instance-metadata-options --instance-id <runner-instance-id> "
                  + "--http-put-response-hop-limit 2 --http-endpoint enabled",
              "",
              "What the SDK reported: " + chainMessage));
    }
    String permission = inGitHub && noOidc
        ? "This job has no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): if you meant OIDC, as most jobs do, "
            + "add 'permissions: id-token: write' to the job (and 'contents: read' if it checks out code). "
        : "";
    return Diagnosis.of(inGitHub && noOidc ? "Missing permission id-token: write (or no runner credentials)"
            : "No runner credentials",
        "The role was to be assumed with the runner's own credentials, and none were found. " + permission
            + "To use the credentials of a self-hosted runner on AWS, the runner needs an instance profile, an ECS "
            + "task role or EKS IRSA; to use access keys, give aws-access-key-id and aws-secret-access-key.")
        .withDetails(List.of("What the SDK reported: " + chainMessage));
  }
}
