package dev.awsoidc.sts;

import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;

/**
 * {@code sts:AssumeRoleWithWebIdentity} through the AWS SDK for Java v2. The call is unsigned (the web identity
 * token is the credential), so the client gets anonymous credentials.
 */
public final class WebIdentityExchange implements AutoCloseable {
  private final StsClient client;
  private final StsClientSettings settings;

  public WebIdentityExchange(StsClientSettings settings) {
    this.settings = settings;
    // unsigned: the web identity token is the credential
    this.client = StsClients.build(settings, AnonymousCredentialsProvider.create());
  }

  /**
   * @param budget how long this call may take, retries included; empty for the client's own limit. The caller
   *     bounds it by the token's expiry, so the SDK never retries with a token that has run out.
   */
  public AwsSession assume(RoleRequest role, String webIdentityToken, Optional<Duration> budget)
      throws StsCallException {
    AssumeRoleWithWebIdentityRequest.Builder request = AssumeRoleWithWebIdentityRequest.builder()
        .roleArn(role.roleArn())
        .roleSessionName(role.sessionName())
        .durationSeconds(role.durationSeconds())
        .webIdentityToken(webIdentityToken);
    budget.ifPresent(limit -> request.overrideConfiguration(o -> o.apiCallTimeout(limit)));
    role.inlineSessionPolicy().ifPresent(request::policy);
    if (!role.managedSessionPolicyArns().isEmpty()) {
      request.policyArns(role.policyDescriptors());
    }
    AssumeRoleWithWebIdentityResponse response = StsClients.call("AssumeRoleWithWebIdentity",
        settings.endpointDescription(), () -> client.assumeRoleWithWebIdentity(request.build()));
    var credentials = response.credentials();
    String endpoint = settings.endpointDescription();
    if (credentials == null || credentials.accessKeyId() == null || credentials.secretAccessKey() == null
        || credentials.sessionToken() == null || credentials.expiration() == null) {
      throw StsCallException.incomplete("AssumeRoleWithWebIdentity", "Credentials", response, endpoint);
    }
    if (response.assumedRoleUser() == null || response.assumedRoleUser().arn() == null) {
      throw StsCallException.incomplete("AssumeRoleWithWebIdentity", "AssumedRoleUser", response, endpoint);
    }
    return new AwsSession(AwsCredentials.from(credentials),
        response.assumedRoleUser().arn(),
        Optional.ofNullable(response.subjectFromWebIdentityToken()));
  }

  @Override
  public void close() {
    client.close();
  }
}
