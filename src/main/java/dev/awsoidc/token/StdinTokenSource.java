package dev.awsoidc.token;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An ID token piped to standard input. Read once, at most {@link TokenFile#MAX_BYTES}, never echoed; every
 * fetch returns that token (stdin cannot give a fresher one), and a failed read fails every fetch the same way.
 * The read waits for the writer to close the stream; the action's deadline bounds that wait.
 */
public final class StdinTokenSource implements IdTokenSource {
  private final InputStream in;
  private final Consumer<String> onToken;
  private IdToken token;
  private IdTokenUnavailableException failure;

  public StdinTokenSource(InputStream in) {
    this(in, token -> {});
  }

  /** @param onToken called with the raw token before it is decoded: the place to mask it */
  public StdinTokenSource(InputStream in, Consumer<String> onToken) {
    this.in = in;
    this.onToken = onToken;
  }

  @Override
  public synchronized IdToken fetch() throws IdTokenUnavailableException {
    if (token == null && failure == null) {
      try {
        token = readOnce();
      } catch (IdTokenUnavailableException e) {
        failure = e;
      }
    }
    if (failure != null) throw failure;
    return token;
  }

  private IdToken readOnce() throws IdTokenUnavailableException {
    byte[] bytes;
    try {
      bytes = in.readNBytes(TokenFile.MAX_BYTES + 1);
    } catch (IOException e) {
      throw new IdTokenUnavailableException("Could not read the ID token from standard input ("
          + e.getClass().getSimpleName() + "): pipe the token in, e.g. printf '%s' \"$ID_TOKEN\" | ...");
    }
    if (bytes.length > TokenFile.MAX_BYTES) {
      throw new IdTokenUnavailableException("Standard input holds more than " + TokenFile.MAX_BYTES + " bytes; an "
          + "ID token is a JWT of a few kilobytes. Pipe in the token alone.");
    }
    Optional<String> decoded = TokenFile.utf8(bytes);
    if (decoded.isEmpty()) {
      throw new IdTokenUnavailableException("Standard input is not UTF-8 text, so it is not a JWT. Pipe in the ID "
          + "token itself (header.payload.signature).");
    }
    String text = decoded.get().strip();
    if (text.isEmpty()) {
      throw new IdTokenUnavailableException("Standard input was " + (bytes.length == 0 ? "empty" : "only whitespace")
          + ": pipe the ID token in, e.g. printf '%s' \"$ID_TOKEN\" | ...");
    }
    onToken.accept(text);
    return IdToken.parse(text, description());
  }

  @Override
  public String description() {
    return "standard input";
  }
}
