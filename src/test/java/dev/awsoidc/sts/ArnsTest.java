package dev.awsoidc.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArnsTest {
  @Test
  void accountOfAnAssumedRoleArn() {
    assertEquals("111122223333", Arns.accountId("arn:aws:sts::111122223333:assumed-role/deploy/GitHubActions"));
    assertEquals("210987654321", Arns.accountId("arn:aws-cn:sts::210987654321:assumed-role/a/b"));
    assertEquals("111122223333", Arns.accountId("arn:aws-us-gov:iam::111122223333:role/path/with:colon"));
  }

  @Test
  void notAnArn() {
    assertThrows(IllegalArgumentException.class, () -> Arns.accountId("deploy"));
    assertThrows(IllegalArgumentException.class, () -> Arns.accountId("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assertThrows(IllegalArgumentException.class, () -> Arns.accountId(null));
  }

  @Test
  void roleAndPolicyArns() {
    assertTrue(Arns.isRoleArn("arn:aws:iam::111122223333:role/deploy"));
    assertTrue(Arns.isRoleArn("arn:aws-cn:iam::111122223333:role/team/deploy-prod"));
    assertFalse(Arns.isRoleArn("arn:aws:iam::111122223333:user/deploy"));
    assertFalse(Arns.isRoleArn("arn:aws:iam::1111:role/deploy"));
    assertTrue(Arns.isPolicyArn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assertFalse(Arns.isPolicyArn("arn:aws:iam::aws:role/x"));
  }

  @Test
  void credentialsNeverPrintTheirValues() {
    AwsCredentials credentials = AwsCredentials.temporary("ASIAKEY", "SECRETKEY", "SESSIONTOKEN",
        java.time.Instant.EPOCH);
    assertFalse(credentials.toString().contains("ASIAKEY"));
    assertFalse(credentials.toString().contains("SECRETKEY"));
    assertFalse(credentials.toString().contains("SESSIONTOKEN"));
  }
}
