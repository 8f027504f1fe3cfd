package dev.awsoidc.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Property-based testing without a framework: generators of hostile text (pieces that mean something to the
 * runner, a shell or a parser: line breaks, {@code %}, {@code ::}, {@code <<}, {@code =}, quotes, {@code $(…)},
 * NUL, Unicode whitespace, astral characters, lone surrogates, mixed with arbitrary characters) and
 * {@link #forAll}, which checks a property on many generated cases.
 *
 * <p>The seed is fresh on every run, so runs explore different cases; a failure names the seed and shows the
 * case with its control characters escaped, and {@code -Dhostile.seed=<seed>} repeats exactly that run.
 */
public final class Hostile {
  private Hostile() {}

  @FunctionalInterface
  public interface Property<T> {
    void check(T value) throws Exception;
  }

  public static <T> void forAll(int tries, Function<SplittableRandom, T> generator, Property<T> property) {
    long seed = Long.getLong("hostile.seed", new SplittableRandom().nextLong());
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 1; i <= tries; i++) {
      T value = generator.apply(random);
      try {
        property.check(value);
      } catch (Exception | AssertionError e) {
        throw new AssertionError("case " + i + " of " + tries + " failed (seed " + seed + ": repeat with "
            + "-Dhostile.seed=" + seed + "): " + shown(value) + "\n" + e.getMessage(), e);
      }
    }
  }

  private static String shown(Object value) {
    if (value instanceof String text) return escaped(text);
    if (value instanceof java.util.Collection<?> items) {
      return items.stream().map(Hostile::shown).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  private static final String[] PIECES = {
      "\n", "\r", "\r\n", "\n\n", "%", "%25", "%0A", "%0D", "%3A", "%2C", "::", "::add-mask::", "<<", "=", "EOF",
      "ghadelimiter_", "'", "\"", "\\", "`", "$", "$(", ")", "${X}", ";", "&", "|", "#", "!", "*", " ", "\t",
      "\u000B", "\f", "\u0085", "\u00A0", "\u1680", "\u2007", "\u2028", "\u2029", "\u202F", "\u3000", "\uFEFF",
      "\u001C", "é", "zoë", "☃", "😀", "ß", "ﬁ", "İ", "A", "x", "0", "-", "_"};

  /** Text that is valid Unicode and holds no NUL: what can travel as UTF-8 and as an environment variable. */
  public static String text(SplittableRandom random) {
    int pieces = random.nextInt(17);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      int kind = random.nextInt(8);
      if (kind < 5) {
        text.append(PIECES[random.nextInt(PIECES.length)]);
      } else if (kind < 7) {
        for (int n = random.nextInt(13); n > 0; n--) text.append((char) random.nextInt(' ', '~' + 1));
      } else {
        for (int n = random.nextInt(7); n > 0; n--) text.append((char) random.nextInt(1, 0xD800)); // no surrogate
      }
    }
    return text.toString();
  }

  /** As {@link #text}, sometimes with a NUL or a lone surrogate in it. */
  public static String anyText(SplittableRandom random) {
    String text = text(random);
    return switch (random.nextInt(11)) {
      case 0 -> text + "\0" + text(random);
      case 1 -> "\uD800" + text;
      case 2 -> text + "\uDFFF";
      default -> text;
    };
  }

  public static <T> List<T> listOf(SplittableRandom random, int min, int max, Function<SplittableRandom, T> item) {
    int size = random.nextInt(min, max + 1);
    List<T> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) items.add(item.apply(random));
    return items;
  }

  public static <T> T oneOf(SplittableRandom random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  /** An oracle independent of the code under test: the JDK's UTF-8 encoder refuses lone surrogates. */
  public static boolean isValidUnicode(String text) {
    return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(text);
  }

  /** 1 MiB of text with every kind of piece in it, for the explicit large examples. */
  public static String oneMebibyte(String seed) {
    StringBuilder text = new StringBuilder(1 << 20);
    int i = 0;
    while (text.length() < (1 << 20)) {
      text.append(PIECES[i++ % PIECES.length]).append(seed);
    }
    text.setLength(1 << 20);
    if (Character.isHighSurrogate(text.charAt(text.length() - 1))) text.setCharAt(text.length() - 1, 'x');
    return text.toString();
  }

  /** Java-style escapes for anything that is not printable ASCII or a letter, and at most 2000 characters. */
  public static String escaped(String text) {
    StringBuilder shown = new StringBuilder("\"");
    for (int i = 0; i < Math.min(text.length(), 2000); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') shown.append('\\').append(c);
      else if (c >= ' ' && c <= '~' || Character.isLetterOrDigit(c) && !Character.isSurrogate(c)) shown.append(c);
      else shown.append(String.format("\\u%04X", (int) c));
    }
    return shown.append(text.length() > 2000 ? "\"... (" + text.length() + " chars)" : "\"").toString();
  }
}
