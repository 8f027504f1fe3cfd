package dev.awsoidc.sts;

import java.util.List;
import java.util.Optional;

/**
 * What to ask STS for: the role, the session name and length, optional session policies, and (AssumeRole
 * only) the external id. {@code roleArn} may be a bare role name on the signed paths, completed from the
 * source account before the call ({@link #withRoleArn}).
 */
public record RoleRequest(
    String roleArn,
    String sessionName,
    int durationSeconds,
    Optional<String> inlineSessionPolicy,
    List<String> managedSessionPolicyArns,
    Optional<String> externalId) {

  public RoleRequest {
    managedSessionPolicyArns = List.copyOf(managedSessionPolicyArns);
  }

  /** {@code managed-session-policies} as STS's {@code PolicyArns}. */
  List<software.amazon.awssdk.services.sts.model.PolicyDescriptorType> policyDescriptors() {
    return managedSessionPolicyArns.stream()
        .map(arn -> software.amazon.awssdk.services.sts.model.PolicyDescriptorType.builder().arn(arn).build())
        .toList();
  }

  public RoleRequest withRoleArn(String arn) {
    return new RoleRequest(arn, sessionName, durationSeconds, inlineSessionPolicy, managedSessionPolicyArns,
        externalId);
  }
}
