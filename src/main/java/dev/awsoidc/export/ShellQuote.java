package dev.awsoidc.export;

import java.util.regex.Pattern;

/**
 * Shell quoting for {@code export NAME='value'} lines that {@code eval "$(…)"} runs safely in bash and POSIX sh
 * (dash) for any value: inside single quotes nothing is special (no {@code $}, backtick, backslash or history
 * expansion) except the closing quote, so each {@code '} becomes {@code '\''} (close, escaped quote, reopen).
 * Newlines stay inside the quotes. NUL is refused: no shell variable can hold it. A lone surrogate is refused
 * too: it has no UTF-8 form, so the value the shell got would not be the value we meant.
 */
public final class ShellQuote {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ShellQuote() {}

  /**
   * The value as one single-quoted shell word.
   *
   * @throws IllegalArgumentException for NUL or a lone surrogate; the message never shows the value
   */
  public static String quote(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        throw new IllegalArgumentException("the value contains a NUL character at position " + (i + 1)
            + ", which no shell variable can hold");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("the value is not valid Unicode text (a lone surrogate at position "
            + (i + 1) + "), so it has no UTF-8 form for the shell");
      }
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /**
   * {@code export NAME='value'}, without a line end.
   *
   * @throws IllegalArgumentException when {@code name} is not a shell identifier (letters, digits and
   *     {@code _}, not starting with a digit), or as {@link #quote}; names the variable, never shows the value
   */
  public static String exportLine(String name, String value) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(shown(name) + " is not a shell variable name: use letters, digits and "
          + "'_', not starting with a digit");
    }
    try {
      return "export " + name + "=" + quote(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /** The name quoted on one line: control characters escaped, at most 100 characters. */
  private static String shown(String name) {
    if (name == null) return "null";
    StringBuilder shown = new StringBuilder("'");
    for (int i = 0; i < Math.min(name.length(), 100); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) shown.append(String.format("\\u%04X", (int) c));
      else shown.append(c);
    }
    return shown.append(name.length() > 100 ? "...'" : "'").toString();
  }
}
