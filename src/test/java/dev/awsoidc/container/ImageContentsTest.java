package dev.awsoidc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;

/**
 * The final image holds only the runtime, the jar and its libraries, the AOT cache and the OS files the JVM needs
 * ({@link ImageAllowList}): its files, listed from a container created from it (never started), through the
 * engine's archive API, the same tar {@code docker cp CONTAINER:/ -} prints.
 */
@ExtendWith(ActionImage.class)
class ImageContentsTest {
  private static final String JAR = "/app/aws-oidc-credentials.jar";
  private static TarListing listing;

  @BeforeAll
  static void listTheImage(ActionImage.Built image) throws IOException {
    DockerClient docker = DockerClientFactory.instance().client();
    String container = docker.createContainerCmd(image.name()).exec().getId();
    try (InputStream tar = docker.copyArchiveFromContainerCmd(container, "/").exec()) {
      listing = TarListing.read(tar, Set.of(JAR));
    } finally {
      docker.removeContainerCmd(container).withForce(true).exec();
    }
  }

  @Test
  void holdsNothingButTheRuntimeTheAppAndTheOsFilesTheJvmNeeds() {
    assertEquals(List.of(), ImageAllowList.outside(listing.entries()),
        "files in the image (" + listing.entries().size() + " entries) that ImageAllowList does not allow");
  }

  @Test
  void holdsWhatTheEntrypointRuns() {
    Map<String, TarListing.Type> types = listing.entries().stream()
        .collect(Collectors.toMap(TarListing.Entry::path, TarListing.Entry::type, (a, b) -> b));
    for (String file : List.of("/opt/java/bin/java", "/opt/java/lib/server/libjvm.so", "/opt/java/lib/modules",
        "/opt/java/lib/security/cacerts", JAR, "/app/app.aot", "/app/jvm.options", "/etc/passwd",
        "/usr/lib/locale/C.utf8/LC_CTYPE")) {
      assertEquals(TarListing.Type.FILE, types.get(file), file);
    }
    assertTrue(types.keySet().stream().anyMatch(p -> p.endsWith("/libc.so.6")), "glibc");
    assertTrue(types.keySet().stream().anyMatch(p -> p.matches(".*/ld-linux[^/]*\\.so\\.\\d+")), "glibc's loader");
  }

  @Test
  void libHoldsExactlyTheJarsOnTheJarsClassPath() throws IOException {
    byte[] jar = listing.contents().get(JAR);
    assertNotNull(jar, JAR);
    Manifest manifest;
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      manifest = in.getManifest();
    }
    String classPath = manifest.getMainAttributes().getValue("Class-Path");
    assertNotNull(classPath, "Class-Path in the jar's manifest");
    Set<String> expected = Arrays.stream(classPath.strip().split("\\s+")).map(p -> "/app/" + p)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> lib = listing.entries().stream().map(TarListing.Entry::path).filter(p -> p.startsWith("/app/lib/"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertFalse(expected.isEmpty());
    assertEquals(expected, lib, "/app/lib vs the jar's Class-Path");
  }
}
