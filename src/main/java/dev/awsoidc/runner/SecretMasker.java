package dev.awsoidc.runner;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The values this process has masked, so that our own output hides them too. The runner masks them in the
 * GitHub log once {@code ::add-mask::} is seen; other CI systems have no such thing, so everything we print
 * passes through {@link #redact} as well.
 *
 * <p>Both halves follow the runner ({@code ActionCommandManager} add-mask, {@code SecretMasker.MaskSecrets}): a
 * value is registered whole and also line by line (split on CR and LF, trimmed as .NET trims, empty lines
 * dropped), and redaction finds every occurrence of every value in the original text, merges overlapping or
 * touching ones and replaces each merged stretch with {@code ***}.
 */
public final class SecretMasker {
  public static final String MASK = "***";
  private final List<String> secrets = new CopyOnWriteArrayList<>();

  /** Registers the value and each of its lines; blank values are ignored, as the runner does. */
  public void add(String secret) {
    if (isBlank(secret)) return;
    register(secret);
    for (String line : secret.split("[\r\n]")) register(dotNetTrim(line));
  }

  private void register(String value) {
    if (!value.isEmpty() && !secrets.contains(value)) secrets.add(value);
  }

  /** The values registered so far, in order (for tests and debugging: never print these). */
  List<String> values() {
    return List.copyOf(secrets);
  }

  /**
   * Every occurrence of every value, found in the original text, replaced; occurrences that overlap or touch
   * become one {@code ***}, as in the runner. Memory is one bit per character, however many occurrences.
   */
  public String redact(String text) {
    if (text == null || text.isEmpty() || secrets.isEmpty()) return text;
    BitSet covered = new BitSet(text.length());
    for (String secret : secrets) {
      for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
        covered.set(at, at + secret.length());
      }
    }
    if (covered.isEmpty()) return text;
    StringBuilder result = new StringBuilder(text.length());
    int copied = 0;
    for (int start = covered.nextSetBit(0); start >= 0; start = covered.nextSetBit(copied)) {
      int end = covered.nextClearBit(start);
      result.append(text, copied, start).append(MASK);
      copied = end;
    }
    return result.append(text, copied, text.length()).toString();
  }

  /** Null, empty or only whitespace as .NET sees it ({@code String.IsNullOrWhiteSpace}): the runner masks none. */
  public static boolean isBlank(String value) {
    return value == null || dotNetTrim(value).isEmpty();
  }

  /** .NET's {@code String.Trim()}: {@code Char.IsWhiteSpace}, which differs from Java's {@code strip}. */
  static String dotNetTrim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isDotNetWhiteSpace(value.charAt(start))) start++;
    while (end > start && isDotNetWhiteSpace(value.charAt(end - 1))) end--;
    return value.substring(start, end);
  }

  private static boolean isDotNetWhiteSpace(char c) {
    if (c >= '\t' && c <= '\r' || c == '\u0085' || c == '\u00A0') return true;
    int type = Character.getType(c);
    return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
