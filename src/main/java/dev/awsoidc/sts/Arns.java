package dev.awsoidc.sts;

import java.util.regex.Pattern;

/** Amazon Resource Names: {@code arn:partition:service:region:account:resource}. */
public final class Arns {
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  private static final Pattern POLICY_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/[\\w+=,.@/-]{1,512}");

  private Arns() {}

  public static boolean isRoleArn(String value) {
    return ROLE_ARN.matcher(value).matches();
  }

  public static boolean isPolicyArn(String value) {
    return POLICY_ARN.matcher(value).matches();
  }

  /** The account field; {@code arn:aws:sts::111122223333:assumed-role/deploy/s} gives {@code 111122223333}. */
  public static String accountId(String arn) {
    String[] parts = arn == null ? new String[0] : arn.split(":", 6);
    if (parts.length < 6 || !parts[0].equals("arn") || !parts[4].matches("\\d{12}")) {
      throw new IllegalArgumentException("not an ARN with an account: " + arn);
    }
    return parts[4];
  }
}
