package dev.awsoidc.export;

import dev.awsoidc.sts.AwsSession;

/**
 * For scripts: the {@link CredentialProcessFormat} fields plus {@code Arn} (the assumed-role ARN),
 * {@code AccountId} and {@code Region} (when known).
 */
public final class JsonFormat {
  private JsonFormat() {}

  public static String format(AwsSession session, String region) {
    return CredentialProcessFormat.write(session, region, true);
  }
}
