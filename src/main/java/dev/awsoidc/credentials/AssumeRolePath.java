package dev.awsoidc.credentials;

import dev.awsoidc.sts.Arns;
import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.sts.RoleRequest;
import dev.awsoidc.sts.SessionTags;
import dev.awsoidc.sts.SignedSts;
import dev.awsoidc.sts.StsCallException;
import dev.awsoidc.sts.StsClientSettings;

/**
 * AssumeRole signed with source credentials: access keys from the inputs, an earlier step's credentials (role
 * chaining) or the runner's own. A bare role name is completed from the source account, in the source's
 * partition. When STS finds the session tags too large, the droppable ones are dropped and the call made once more.
 */
public final class AssumeRolePath implements CredentialSource {
  private final SignedSts sts;
  private final String endpoint;
  private final RoleRequest role;
  private final SessionTags tags;
  private final Progress progress;

  public AssumeRolePath(SignedSts sts, StsClientSettings settings, RoleRequest role, SessionTags tags,
      Progress progress) {
    this.sts = sts;
    this.endpoint = settings.endpointDescription();
    this.role = role;
    this.tags = tags;
    this.progress = progress;
  }

  @Override
  public AwsSession obtain() throws StsCallException {
    RoleRequest request = role;
    if (!Arns.isRoleArn(role.roleArn())) {
      progress.stage("calling STS GetCallerIdentity at " + endpoint + " to complete the role name");
      SignedSts.CallerIdentity source = sts.callerIdentity();
      String partition = source.arn().split(":", 3)[1];
      request = role.withRoleArn("arn:" + partition + ":iam::" + source.account() + ":role/" + role.roleArn());
      progress.debug("role name " + role.roleArn() + " completed to " + request.roleArn());
    }
    progress.stage("calling STS AssumeRole for " + request.roleArn() + " at " + endpoint);
    try {
      return sts.assumeRole(request, tags);
    } catch (StsCallException e) {
      boolean tooLarge = e.errorCode().filter("PackedPolicyTooLarge"::equals).isPresent();
      if (!tooLarge || tags.droppable().isEmpty()) throw e;
      progress.debug("STS found the session tags too large (" + e.getMessage() + "); dropping "
          + String.join(", ", tags.droppable()) + " and trying once more");
      return sts.assumeRole(request, tags.withoutDroppable());
    }
  }

  @Override
  public void close() {
    sts.close();
  }
}
