package dev.awsoidc.token;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A web identity token file (the {@code web-identity-token-file} input, or a Kubernetes projected
 * service-account token). Read again on every fetch: kubelet rotates the file, so a later fetch may get a
 * fresher token.
 */
public final class FileTokenSource implements IdTokenSource {
  private final Path path;
  private final Consumer<String> onToken;

  public FileTokenSource(Path path) {
    this(path, token -> {});
  }

  /** @param onToken called with the raw token as soon as it is read, before it is decoded: the place to mask it */
  public FileTokenSource(Path path, Consumer<String> onToken) {
    this.path = path;
    this.onToken = onToken;
  }

  public Path path() {
    return path;
  }

  @Override
  public IdToken fetch() throws IdTokenUnavailableException {
    String token = TokenFile.read(path);
    onToken.accept(token);
    return IdToken.parse(token, description());
  }

  @Override
  public String description() {
    return "the web identity token file " + path;
  }
}
