package dev.awsoidc.config;

import java.util.Optional;

/** {@code aws-profile}: what makes a name usable as an INI section of the AWS CLI's files. */
public final class ProfileName {
  /** What to write instead of a bad name. */
  public static final String FIX = "Use a name without spaces, brackets or slashes, e.g. 'deploy' or 'prod-readonly'";

  private ProfileName() {}

  /**
   * Why this cannot be a profile name, as the reference action rules it: not empty, no whitespace, no
   * {@code [} or {@code ]} (they end the section header), no {@code /} or {@code \}. Control characters are
   * refused too: they would break the file.
   */
  public static Optional<String> problem(String name) {
    if (name == null || name.isBlank()) return Optional.of("it is empty");
    if (name.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
      return Optional.of("'" + name.strip() + "' contains whitespace");
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) return Optional.of("it contains a control character");
    if (name.contains("[") || name.contains("]")) return Optional.of("'" + name + "' contains a bracket");
    if (name.contains("/") || name.contains("\\")) return Optional.of("'" + name + "' contains a path separator");
    return Optional.empty();
  }
}
