package dev.awsoidc.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

class TokenFileTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  private static final Duration QUICK = Duration.ofSeconds(5);
  @TempDir Path dir;

  private static String refusal(Path path) {
    return refusal(() -> TokenFile.read(path));
  }

  private static String refusal(Executable read) {
    IdTokenUnavailableException e = assertTimeoutPreemptively(QUICK,
        () -> assertThrows(IdTokenUnavailableException.class, read));
    assertFalse(e.missingPermission());
    assertFalse(e.getMessage().contains(TOKEN), "never the token");
    return e.getMessage();
  }

  @Test
  void readsTheTokenWithoutTheTrailingNewline() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    assertEquals(TOKEN, TokenFile.read(file));
    Files.writeString(file, TOKEN + "\r\n");
    assertEquals(TOKEN, TokenFile.read(file));
  }

  @Test
  void aMissingFileSaysSo() {
    Path missing = dir.resolve("nope");
    assertTrue(refusal(missing).startsWith("Web identity token file does not exist: " + missing + "."));
    assertTrue(refusal(dir.resolve("no-dir/token")).startsWith("Web identity token file does not exist:"));
  }

  @Test
  void aSymbolicLinkIsRefused() throws Exception {
    Path real = Files.writeString(dir.resolve("real"), TOKEN);
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    assertTrue(refusal(link).startsWith("Refusing " + link + ": it is a symbolic link."));
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
    assertTrue(refusal(dangling).startsWith("Refusing " + dangling + ": it is a symbolic link."));
  }

  @Test
  void aFileInASymbolicallyLinkedDirectoryIsRefused() throws Exception {
    Path realDir = Files.createDirectory(dir.resolve("real"));
    Files.writeString(realDir.resolve("token"), TOKEN);
    Path linkedDir = Files.createSymbolicLink(dir.resolve("linked"), realDir);
    Path viaLink = linkedDir.resolve("token");
    assertEquals("Refusing " + viaLink + ": its parent directory " + linkedDir + " is a symbolic link. Give the "
        + "token file's real path, with no symbolic link in its directory.", refusal(viaLink));
  }

  @Test
  void aDirectoryIsRefused() {
    assertEquals("Web identity token file " + dir + " is a directory: give the path of the token file inside it.",
        refusal(dir));
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    // opening a FIFO for reading would wait for a writer for ever: the type is checked first
    assertTrue(refusal(fifo).contains(" is not a regular file (it is a FIFO, socket or device"), refusal(fifo));
  }

  @Test
  void aDeviceIsRefused() {
    assertTrue(refusal(Path.of("/dev/zero")).contains("is not a regular file"));
  }

  @Test
  void a100MegabyteFileFailsFastWithoutBeingRead() throws Exception {
    Path huge = dir.resolve("huge");
    try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(100L * 1024 * 1024); // sparse: costs no disk
    }
    long heapBefore = usedHeap();
    long start = System.nanoTime();
    String message = refusal(huge);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals("Web identity token file " + huge + " is 104857600 bytes; an ID token is a JWT of a few kilobytes"
        + " (at most 65536 bytes are read): check that the path names the token file.", message);
    assertTrue(tookMs < 1000, tookMs + " ms");
    assertTrue(usedHeap() - heapBefore < 50L * 1024 * 1024, "not read into memory");
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  @Test
  void theSizeLimitIsExact() throws Exception {
    Path atLimit = dir.resolve("at-limit");
    Files.write(atLimit, ("a".repeat(TokenFile.MAX_BYTES - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(TokenFile.MAX_BYTES - 1, TokenFile.read(atLimit).length());
    Path over = dir.resolve("over");
    Files.write(over, ("a".repeat(TokenFile.MAX_BYTES) + "\n").getBytes(StandardCharsets.US_ASCII));
    assertTrue(refusal(over).contains(" is 65537 bytes;"));
  }

  @Test
  void emptyBlankAndBinaryFilesAreRefused() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty"));
    assertEquals("Web identity token file " + empty + " is empty: write the ID token into it before this step "
        + "runs, or point it at the file that holds the token.", refusal(empty));
    Path blank = Files.writeString(dir.resolve("blank"), " \n\t\n");
    assertTrue(refusal(blank).contains(" holds only whitespace: "));
    Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
    assertTrue(refusal(binary).contains(" is not UTF-8 text"));
  }

  @Test
  void anUnreadableFileSaysPermissionDenied() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "root reads any file");
    Path file = Files.writeString(dir.resolve("secret"), TOKEN);
    Files.setPosixFilePermissions(file, java.util.Set.of());
    assertTrue(refusal(file).contains("cannot be read: permission denied"));
  }

  /** kubelet's layout: token -> ..data/token, ..data -> ..2026_11_29_17_00_00.1, the real file in there. */
  private Path projectedVolume(Path serviceAccount, String version, String token) throws Exception {
    Files.createDirectories(serviceAccount);
    Path versionDir = Files.createDirectory(serviceAccount.resolve("..2026_11_29_" + version));
    Files.writeString(versionDir.resolve("token"), token);
    Path data = serviceAccount.resolve("..data");
    Path next = serviceAccount.resolve("..data_tmp");
    Files.createSymbolicLink(next, versionDir.getFileName());
    Files.move(next, data, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // how kubelet swaps it
    Path link = serviceAccount.resolve("token");
    if (!Files.isSymbolicLink(link)) Files.createSymbolicLink(link, Path.of("..data/token"));
    return link;
  }

  @Test
  void theKubeletProjectedTokenChainIsFollowedInsideItsDirectory() throws Exception {
    Path token = projectedVolume(dir.resolve("secrets/eks.amazonaws.com/serviceaccount"), "1", TOKEN + "\n");
    assertTrue(refusal(token).contains("it is a symbolic link"), "not an allow-listed path: refused");
    assertEquals(TOKEN, TokenFile.read(token, true));
    projectedVolume(dir.resolve("secrets/eks.amazonaws.com/serviceaccount"), "2", "rotated." + TOKEN);
    assertEquals("rotated." + TOKEN, TokenFile.read(token, true), "kubelet rotated it: read afresh");
  }

  @Test
  void theProjectedChainMayNotLeaveItsDirectory() throws Exception {
    Path outside = Files.writeString(dir.resolve("elsewhere"), TOKEN);
    Path serviceAccount = Files.createDirectories(dir.resolve("secrets/x/serviceaccount"));
    Path token = Files.createSymbolicLink(serviceAccount.resolve("token"), outside);
    String message = refusal(() -> TokenFile.read(token, true));
    assertTrue(message.startsWith("Refusing " + token + ": its symbolic links lead outside "), message);

    Path fifoDir = Files.createDirectories(dir.resolve("fifo/serviceaccount/..v1"));
    assertEquals(0, new ProcessBuilder("mkfifo", fifoDir.resolve("token").toString()).start().waitFor());
    Path fifoToken = Files.createSymbolicLink(fifoDir.getParent().resolve("token"), Path.of("..v1/token"));
    assertTrue(refusal(() -> TokenFile.read(fifoToken, true)).contains("is not a regular file"));
  }

  @Test
  void onlyKubeletTokenPathsAreAllowListed() {
    for (String allowed : new String[] {"/var/run/secrets/kubernetes.io/serviceaccount/token",
        "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", "/run/secrets/kubernetes.io/serviceaccount/token",
        "/var/run/secrets/x/./serviceaccount/token"}) {
      assertTrue(TokenFile.isProjectedServiceAccountToken(Path.of(allowed)), allowed);
    }
    for (String refused : new String[] {"var/run/secrets/x/serviceaccount/token",
        "/var/run/secrets/a/b/serviceaccount/token", "/var/run/secrets/../x/serviceaccount/token",
        "/var/run/secrets/x/serviceaccount/token2", "/tmp/var/run/secrets/x/serviceaccount/token",
        "/var/run/secrets/x/serviceaccount/token/.."}) {
      assertFalse(TokenFile.isProjectedServiceAccountToken(Path.of(refused)), refused);
    }
  }
}
