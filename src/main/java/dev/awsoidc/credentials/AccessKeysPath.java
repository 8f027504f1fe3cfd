package dev.awsoidc.credentials;

import dev.awsoidc.config.AccessKeyInputs;
import dev.awsoidc.sts.AwsCredentials;
import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.sts.SignedSts;
import dev.awsoidc.sts.StsCallException;
import java.util.Optional;

/**
 * Access keys handed on as they are, after GetCallerIdentity proves they work and says whose they are (for the
 * outputs and {@code allowed-account-ids}).
 */
public final class AccessKeysPath implements CredentialSource {
  private final SignedSts sts;
  private final AccessKeyInputs keys;
  private final Progress progress;

  public AccessKeysPath(SignedSts sts, AccessKeyInputs keys, Progress progress) {
    this.sts = sts;
    this.keys = keys;
    this.progress = progress;
  }

  @Override
  public AwsSession obtain() throws StsCallException {
    progress.stage("checking the access keys with STS GetCallerIdentity");
    SignedSts.CallerIdentity identity = sts.callerIdentity();
    return new AwsSession(new AwsCredentials(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken(),
        Optional.empty()), identity.arn(), Optional.empty());
  }

  @Override
  public void close() {
    sts.close();
  }
}
