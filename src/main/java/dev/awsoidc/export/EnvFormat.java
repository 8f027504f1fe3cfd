package dev.awsoidc.export;

import dev.awsoidc.sts.AwsSession;

/**
 * {@code export NAME='value'} lines for a POSIX shell's {@code eval "$(aws-oidc-credentials assume ...)"}. Every
 * value is single-quoted by {@link ShellQuote}, so nothing in it (quotes, {@code $(...)}, backticks, newlines) is ever
 * run.
 */
public final class EnvFormat {
  private EnvFormat() {}

  /**
   * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (when there is one), AWS_REGION and
   * AWS_DEFAULT_REGION (when {@code region} is not null), one line each.
   */
  public static String format(AwsSession session, String region) {
    StringBuilder out = new StringBuilder();
    out.append(exportLine("AWS_ACCESS_KEY_ID", session.credentials().accessKeyId()));
    out.append(exportLine("AWS_SECRET_ACCESS_KEY", session.credentials().secretAccessKey()));
    session.credentials().sessionToken().ifPresentOrElse(token -> out.append(exportLine("AWS_SESSION_TOKEN", token)),
        // a token left in the shell from before would not match these keys
        () -> out.append("unset AWS_SESSION_TOKEN\n"));
    if (region != null && !region.isBlank()) {
      out.append(exportLine("AWS_REGION", region));
      out.append(exportLine("AWS_DEFAULT_REGION", region));
    }
    return out.toString();
  }

  private static String exportLine(String name, String value) {
    return ShellQuote.exportLine(name, value) + "\n";
  }
}
