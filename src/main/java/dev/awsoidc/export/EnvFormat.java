package dev.awsoidc.export;

import dev.awsoidc.sts.AwsSession;

/**
 * {@code export NAME='value'} lines for a POSIX shell's {@code eval "$(aws-oidc-credentials assume ...)"}. Every
 * value is single-quoted, so nothing in it (quotes, {@code $(...)}, backticks, newlines) is ever run.
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
    session.credentials().sessionToken().ifPresent(token -> out.append(exportLine("AWS_SESSION_TOKEN", token)));
    if (region != null && !region.isBlank()) {
      out.append(exportLine("AWS_REGION", region));
      out.append(exportLine("AWS_DEFAULT_REGION", region));
    }
    return out.toString();
  }

  // TODO(lead): switch to dev.awsoidc.export.ShellQuote.exportLine once branch 'hostile' has landed
  private static String exportLine(String name, String value) {
    return "export " + name + "=" + quote(value) + "\n";
  }

  /**
   * POSIX single quotes: everything inside is literal, and a quote is written as {@code '\''}. A NUL byte cannot
   * be in a shell word at all, so it is refused rather than silently cut.
   */
  private static String quote(String value) {
    if (value.indexOf('\0') >= 0) throw new IllegalArgumentException("a value for the shell contains a NUL byte");
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
