package dev.awsoidc.credentials;

import dev.awsoidc.sts.AwsSession;

/** One credential path at work: obtains the credentials and whose they are. One call per attempt. */
public interface CredentialSource extends AutoCloseable {
  AwsSession obtain() throws Exception;

  @Override
  default void close() {}
}
