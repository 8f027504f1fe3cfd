package dev.awsoidc.sts;

/**
 * The result of an assume-role call: the credentials and who they are. The account and ARN come from STS's
 * answer, so no GetCallerIdentity round trip is needed.
 */
public record AssumedRole(
    TemporaryCredentials credentials,
    String assumedRoleArn,
    String assumedRoleId,
    String subjectFromToken,
    String requestId) {

  public String accountId() {
    return Arns.accountId(assumedRoleArn);
  }
}
