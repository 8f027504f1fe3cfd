package dev.awsoidc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The allow-list and the tar reader of {@link ImageContentsTest}, without an image: real tar archives made by
 * {@code tar} from a directory laid out like the image, in the three formats engines and tar write.
 */
class ImageAllowListTest {
  /** The image's layout (amd64), as the Dockerfile makes it; a long path exercises long-name headers. */
  private static final List<String> IMAGE_FILES = List.of("opt/java/release", "opt/java/bin/java",
      "opt/java/bin/keytool", "opt/java/lib/server/libjvm.so", "opt/java/lib/security/cacerts",
      "opt/java/conf/security/java.security", "opt/java/legal/java.base/LICENSE", "app/aws-oidc-credentials.jar",
      "app/app.aot", "app/jvm.options", "lib64/ld-linux-x86-64.so.2",
      "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libpthread.so.0",
      "usr/lib/x86_64-linux-gnu/libgcc_s.so.1", "lib/aarch64-linux-gnu/libm.so.6", "lib/ld-linux-aarch64.so.1",
      "usr/lib/locale/C.utf8/LC_CTYPE", "etc/passwd", "etc/group", "etc/nsswitch.conf",
      "opt/java/legal/" + "a-long-directory-name-".repeat(4) + "/" + "and-a-long-file-name-".repeat(4) + ".md");

  @TempDir Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "ustar", "pax"})
  void theImageLayoutIsAllowedAndListedCompletely(String format) throws Exception {
    Path root = layout(IMAGE_FILES);
    Files.createDirectories(root.resolve("opt/java/legal/java.logging"));
    Files.createSymbolicLink(root.resolve("opt/java/legal/java.logging/LICENSE"), Path.of("../java.base/LICENSE"));

    TarListing listing = list(root, format);

    assertEquals(pathsUnder(root), listing.entries().stream().map(TarListing.Entry::path)
        .collect(Collectors.toCollection(TreeSet::new)), "every file, directory and link, with its full path");
    assertEquals(List.of(), ImageAllowList.outside(listing.entries()));
    TarListing.Entry link = listing.entries().stream()
        .filter(e -> e.path().equals("/opt/java/legal/java.logging/LICENSE")).findFirst().orElseThrow();
    assertEquals(new TarListing.Entry(link.path(), TarListing.Type.SYMLINK, 0, "../java.base/LICENSE"), link);
    assertEquals("/app/jvm.options\n",
        new String(list(root, format, Set.of("/app/jvm.options")).contents().get("/app/jvm.options"),
            StandardCharsets.UTF_8), "the content of a kept file");
  }

  @Test
  void aShellAPackageManagerAJdkToolOrAStrayFileIsReported() throws Exception {
    List<String> extra = List.of("bin/sh", "usr/bin/apt", "opt/java/bin/javac", "opt/java/bin/jshell",
        "opt/java/jmods/java.base.jmod", "app/lib/okio-jvm-3.18.1.jar", "app/extra.jar", "etc/shadow",
        "lib/x86_64-linux-gnu/libcrypto.so.3");
    List<String> files = new ArrayList<>(IMAGE_FILES);
    files.addAll(extra);

    List<String> outside = ImageAllowList.outside(list(layout(files), "gnu").entries());

    assertEquals(List.of("/app/extra.jar (file)", "/app/lib (directory)", "/app/lib/okio-jvm-3.18.1.jar (file)",
        "/bin (directory)",
        "/bin/sh (file)", "/etc/shadow (file)", "/lib/x86_64-linux-gnu/libcrypto.so.3 (file)",
        "/opt/java/bin/javac (file)", "/opt/java/bin/jshell (file)", "/opt/java/jmods (directory)",
        "/opt/java/jmods/java.base.jmod (file)", "/usr/bin (directory)", "/usr/bin/apt (file)"),
        outside.stream().sorted().toList());
  }

  @Test
  void pathsAreNormalizedWhateverTheArchiveWriterPrefixes() {
    for (String name : List.of("etc/passwd", "./etc/passwd", "/etc/passwd", "etc/passwd/")) {
      assertEquals("/etc/passwd", TarListing.normalize(name), name);
    }
    for (String name : List.of("", ".", "./", "/")) assertEquals("/", TarListing.normalize(name), name);
  }

  /** Files (each holding its own absolute path) under a fresh root, plus /tmp as the image has it. */
  private Path layout(List<String> files) throws IOException {
    Path root = Files.createDirectories(temp.resolve("root"));
    for (String file : files) {
      Path path = root.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, "/" + file + "\n");
    }
    Files.createDirectories(root.resolve("tmp"));
    return root;
  }

  private static TreeSet<String> pathsUnder(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString()).map(TarListing::normalize)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private TarListing list(Path root, String format) throws Exception {
    return list(root, format, Set.of());
  }

  private TarListing list(Path root, String format, Set<String> keep) throws Exception {
    Path archive = temp.resolve("image-" + format + ".tar");
    Process tar = new ProcessBuilder("tar", "--format=" + format, "-C", root.toString(), "-cf", archive.toString(), ".")
        .redirectErrorStream(true).start();
    String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!tar.waitFor(30, TimeUnit.SECONDS) || tar.exitValue() != 0) throw new IOException("tar failed: " + output);
    try (InputStream in = Files.newInputStream(archive)) {
      return TarListing.read(in, keep);
    }
  }
}
