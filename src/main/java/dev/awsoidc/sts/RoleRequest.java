package dev.awsoidc.sts;

import java.util.List;
import java.util.Optional;

/** What to ask STS for: the role, the session name and length, and optional session policies. */
public record RoleRequest(
    String roleArn,
    String sessionName,
    int durationSeconds,
    Optional<String> inlineSessionPolicy,
    List<String> managedSessionPolicyArns) {

  public RoleRequest {
    managedSessionPolicyArns = List.copyOf(managedSessionPolicyArns);
  }
}
