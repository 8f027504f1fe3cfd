package dev.awsoidc.credentials;

import dev.awsoidc.sts.AwsCredentials;
import java.util.regex.Pattern;

/**
 * {@code special-characters-workaround}: some tools mangle credentials that hold shell or URL characters. The
 * class is the reference action's, without {@code +} and {@code /}: those are in every base64 secret, so the
 * reference's loop rarely ends; with them excluded, a fresh session almost always passes.
 */
public final class SpecialCharacters {
  /** Fresh sessions to ask for before giving up (the reference retries without end). */
  public static final int MAX_REASSUMES = 3;
  private static final Pattern SPECIAL = Pattern.compile("[!@#$%^&*()_\\-=\\[\\]{};':\"\\\\|,.<>?]");

  private SpecialCharacters() {}

  public static boolean in(AwsCredentials credentials) {
    return SPECIAL.matcher(credentials.accessKeyId()).find() || SPECIAL.matcher(credentials.secretAccessKey()).find();
  }

  public static SpecialCharactersException failure(int reassumes) {
    return new SpecialCharactersException(reassumes);
  }

  /** Every session still held a special character. */
  public static final class SpecialCharactersException extends Exception {
    public SpecialCharactersException(int reassumes) {
      super("the access key id or secret held a special character in the first session and in " + reassumes
          + " more");
    }
  }
}
