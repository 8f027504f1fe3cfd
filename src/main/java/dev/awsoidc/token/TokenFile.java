package dev.awsoidc.token;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a web identity token file with the hardening of aws-actions/configure-aws-credentials
 * ({@code readFileUtf8}): a symbolic link, or a file in a symbolically linked directory, is refused; only a
 * regular file is opened, without following links; at most {@link #MAX_BYTES} are read.
 *
 * <p>The one exception is the kubelet's projected service-account token,
 * {@code /var/run/secrets/<name>/serviceaccount/token} (also under {@code /run}; IRSA's
 * {@code eks.amazonaws.com} is one such name): kubelet publishes it as {@code token -> ..data/token},
 * {@code ..data -> ..<timestamp>}, swapping {@code ..data} to rotate it. That chain is followed, but it must end
 * at a regular file inside the same {@code serviceaccount} directory.
 *
 * <p>The type is checked before the file is opened, so a FIFO or a device is never opened: opening a FIFO for
 * reading would wait for a writer. (Only a file swapped for a FIFO between the check and the open could still
 * block; the action's deadline bounds that.)
 */
public final class TokenFile {
  /** JWTs are a few kilobytes; this keeps a wrong file (a log, a disk image) from being read into memory. */
  public static final int MAX_BYTES = 64 * 1024;
  private static final Pattern PROJECTED_TOKEN = Pattern.compile("/(var/)?run/secrets/[^/]+/serviceaccount/token");

  private TokenFile() {}

  /**
   * The token, with surrounding whitespace (a trailing newline) removed.
   *
   * @throws IdTokenUnavailableException with a message that names the path, what is wrong and the fix; never
   *     the file's content
   */
  public static String read(Path path) throws IdTokenUnavailableException {
    return read(path, isProjectedServiceAccountToken(path));
  }

  /** True for the kubelet's projected token paths whose {@code ..data} link chain is allowed. */
  public static boolean isProjectedServiceAccountToken(Path path) {
    return path.isAbsolute() && PROJECTED_TOKEN.matcher(path.normalize().toString()).matches();
  }

  /** {@code followProjectedChain}: the path is a kubelet projected token (see the class comment). */
  static String read(Path path, boolean followProjectedChain) throws IdTokenUnavailableException {
    Objects.requireNonNull(path, "path");
    try {
      Path file = followProjectedChain ? resolveProjectedChain(path) : refuseLinks(path);
      BasicFileAttributes before = regularFileAttributes(path, file);
      byte[] bytes = readBounded(path, file, before);
      Optional<String> text = utf8(bytes);
      if (text.isEmpty()) {
        throw unusable(path, "is not UTF-8 text, so it is not a JWT",
            "point it at the token file itself (a JWT: header.payload.signature)");
      }
      String token = text.get().strip();
      if (token.isEmpty()) {
        throw unusable(path, before.size() == 0 ? "is empty" : "holds only whitespace",
            "write the ID token into it before this step runs, or point it at the file that holds the token");
      }
      return token;
    } catch (NoSuchFileException e) {
      throw new IdTokenUnavailableException("Web identity token file does not exist: " + path + ". Check the "
          + "path; it is read inside the action's container, so it must be under the workspace or a mounted "
          + "directory.");
    } catch (AccessDeniedException e) {
      throw unusable(path, "cannot be read: permission denied for the action's user",
          "make it readable by the user the action runs as");
    } catch (FileSystemException e) {
      // ELOOP from O_NOFOLLOW: the path became a symbolic link after it was checked
      if (e.getReason() != null && e.getReason().contains("symbolic links")) throw symlink(path);
      throw unusable(path, "cannot be read (" + e.getReason() + ")", "check the path and its permissions");
    } catch (IOException e) {
      throw unusable(path, "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
          "check the path and its permissions");
    }
  }

  /** The path itself, after refusing a link there or in its parent directory (as configure-aws-credentials). */
  private static Path refuseLinks(Path path) throws IOException, IdTokenUnavailableException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null && Files.isSymbolicLink(parent)) {
      throw new IdTokenUnavailableException("Refusing " + path + ": its parent directory " + parent + " is a "
          + "symbolic link. Give the token file's real path, with no symbolic link in its directory.");
    }
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) throw symlink(path);
    return path;
  }

  private static IdTokenUnavailableException symlink(Path path) {
    return new IdTokenUnavailableException("Refusing " + path + ": it is a symbolic link. Give the path of the "
        + "file it points to: a token file is read only where it is, never through a link.");
  }

  /** The real file behind a kubelet projected token, which must stay inside the token's own directory. */
  private static Path resolveProjectedChain(Path path) throws IOException, IdTokenUnavailableException {
    Path directory = path.toAbsolutePath().getParent().toRealPath();
    Path real = path.toRealPath();
    if (!real.startsWith(directory)) {
      throw new IdTokenUnavailableException("Refusing " + path + ": its symbolic links lead outside " + directory
          + " (to " + real + "). A projected service-account token links only within its own directory; mount "
          + "the token volume as Kubernetes does.");
    }
    return real;
  }

  /** The file's attributes, read without following a link, if it is a regular file; else a clear refusal. */
  private static BasicFileAttributes regularFileAttributes(Path shown, Path file)
      throws IOException, IdTokenUnavailableException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) throw symlink(shown);
    if (attributes.isDirectory()) {
      throw unusable(shown, "is a directory", "give the path of the token file inside it");
    }
    if (!attributes.isRegularFile()) {
      throw unusable(shown, "is not a regular file (it is a FIFO, socket or device, which could block or never "
          + "end)", "write the token to a regular file and give that file's path");
    }
    if (attributes.size() > MAX_BYTES) {
      throw tooLarge(shown, attributes.size());
    }
    return attributes;
  }

  private static byte[] readBounded(Path shown, Path file, BasicFileAttributes before)
      throws IOException, IdTokenUnavailableException {
    try (SeekableByteChannel channel = Files.newByteChannel(file,
        Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      BasicFileAttributes opened = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (before.fileKey() != null && !before.fileKey().equals(opened.fileKey())) {
        throw unusable(shown, "was replaced while being opened", "run the step again once the file is stable");
      }
      // one byte more than allowed: a file that grew after the size check is still caught
      ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES + 1);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // keep reading until the end of the file or the bound
      }
      if (buffer.position() > MAX_BYTES) throw tooLarge(shown, channel.size());
      byte[] bytes = new byte[buffer.position()];
      buffer.flip().get(bytes);
      return bytes;
    }
  }

  private static IdTokenUnavailableException tooLarge(Path path, long size) {
    return unusable(path, "is " + size + " bytes; an ID token is a JWT of a few kilobytes (at most " + MAX_BYTES
        + " bytes are read)", "check that the path names the token file");
  }

  private static IdTokenUnavailableException unusable(Path path, String problem, String fix) {
    return new IdTokenUnavailableException("Web identity token file " + path + " " + problem + ": " + fix + ".");
  }

  /** The bytes as UTF-8 text; empty when they are not UTF-8 (a JWT is ASCII, so that is never a token). */
  static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
