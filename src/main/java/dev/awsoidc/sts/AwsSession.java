package dev.awsoidc.sts;

import java.util.Optional;

/**
 * What a credential path ends with: the credentials and whose they are. {@code arn} is the assumed-role ARN
 * ({@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}) from STS's answer, or the caller's ARN from
 * GetCallerIdentity when access keys are handed on as they are.
 *
 * @param webIdentitySubject the token's {@code sub} as STS saw it, on the web identity paths
 */
public record AwsSession(AwsCredentials credentials, String arn, Optional<String> webIdentitySubject) {

  public String accountId() {
    return Arns.accountId(arn);
  }
}
