package dev.awsoidc.sts;

import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The STS calls that are signed (SigV4) with source credentials: AssumeRole, and GetCallerIdentity to learn whose
 * credentials they are.
 */
public final class SignedSts implements AutoCloseable {
  /** Who a set of credentials belongs to. */
  public record CallerIdentity(String account, String arn) {}

  private final StsClient client;
  private final StsClientSettings settings;

  public SignedSts(StsClientSettings settings, AwsCredentialsProvider credentials) {
    this.settings = settings;
    this.client = StsClients.build(settings, credentials);
  }

  public CallerIdentity callerIdentity() throws StsCallException {
    GetCallerIdentityResponse response = StsClients.call("GetCallerIdentity", settings.endpointDescription(),
        client::getCallerIdentity);
    if (response.account() == null || response.arn() == null) {
      throw StsCallException.incomplete("GetCallerIdentity", "Account or Arn", response,
          settings.endpointDescription());
    }
    return new CallerIdentity(response.account(), response.arn());
  }

  public AwsSession assumeRole(RoleRequest role, SessionTags tags) throws StsCallException {
    AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
        .roleArn(role.roleArn())
        .roleSessionName(role.sessionName())
        .durationSeconds(role.durationSeconds());
    role.externalId().ifPresent(request::externalId);
    role.inlineSessionPolicy().ifPresent(request::policy);
    if (!role.managedSessionPolicyArns().isEmpty()) {
      request.policyArns(role.policyDescriptors());
    }
    if (!tags.isEmpty()) {
      request.tags(tags.tags().entrySet().stream()
          .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList());
      if (!tags.transitiveKeys().isEmpty()) request.transitiveTagKeys(tags.transitiveKeys());
    }
    AssumeRoleResponse response = StsClients.call("AssumeRole", settings.endpointDescription(),
        () -> client.assumeRole(request.build()));
    var credentials = response.credentials();
    if (credentials == null || credentials.accessKeyId() == null || credentials.secretAccessKey() == null
        || credentials.sessionToken() == null || credentials.expiration() == null) {
      throw StsCallException.incomplete("AssumeRole", "Credentials", response, settings.endpointDescription());
    }
    if (response.assumedRoleUser() == null || response.assumedRoleUser().arn() == null) {
      throw StsCallException.incomplete("AssumeRole", "AssumedRoleUser", response, settings.endpointDescription());
    }
    return new AwsSession(AwsCredentials.from(credentials), response.assumedRoleUser().arn(), Optional.empty());
  }

  @Override
  public void close() {
    client.close();
  }
}
