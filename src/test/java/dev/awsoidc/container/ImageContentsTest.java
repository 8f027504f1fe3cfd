package dev.awsoidc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
  private static final String SECURITY = "/opt/java/conf/security/java.security";
  private static final String RELEASE = "/opt/java/release";
  private static TarListing listing;

  @BeforeAll
  static void listTheImage(ActionImage.Built image) throws IOException {
    DockerClient docker = DockerClientFactory.instance().client();
    String container = docker.createContainerCmd(image.name()).exec().getId();
    try (InputStream tar = docker.copyArchiveFromContainerCmd(container, "/").exec()) {
      listing = TarListing.read(tar, Set.of(JAR, SECURITY, RELEASE));
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

  /**
   * jlink keeps the JDK's twelve JCA providers in java.security; a provider whose module is not in the runtime
   * would be looked up (through every jar on the class path) and dropped at run time, so the image lists only
   * the ones it has ({@code src/main/jvm/trim-java-security.sh}), in the JDK's order.
   */
  @Test
  void listsOnlyTheSecurityProvidersItsRuntimeHas() {
    String release = new String(listing.contents().get(RELEASE), java.nio.charset.StandardCharsets.UTF_8);
    Set<String> modules = release.lines().filter(line -> line.startsWith("MODULES="))
        .flatMap(line -> Arrays.stream(line.substring("MODULES=".length()).replace("\"", "").split(" ")))
        .collect(Collectors.toSet());
    assertTrue(modules.contains("java.base"), release);
    Map<String, String> moduleOf = Map.ofEntries(Map.entry("SUN", "java.base"),
        Map.entry("SunRsaSign", "java.base"), Map.entry("SunEC", "java.base"), Map.entry("SunJSSE", "java.base"),
        Map.entry("SunJCE", "java.base"), Map.entry("SunJGSS", "java.security.jgss"),
        Map.entry("SunSASL", "java.security.sasl"), Map.entry("XMLDSig", "java.xml.crypto"),
        Map.entry("SunPCSC", "java.smartcardio"), Map.entry("JdkLDAP", "java.naming"),
        Map.entry("JdkSASL", "jdk.security.jgss"), Map.entry("SunPKCS11", "jdk.crypto.cryptoki"));
    List<String> expected = List.of("SUN", "SunRsaSign", "SunEC", "SunJSSE", "SunJCE", "SunJGSS", "SunSASL",
        "XMLDSig", "SunPCSC", "JdkLDAP", "JdkSASL", "SunPKCS11").stream()
        .filter(provider -> modules.contains(moduleOf.get(provider))).toList();
    String security = new String(listing.contents().get(SECURITY), java.nio.charset.StandardCharsets.UTF_8);
    List<String> listed = security.lines().filter(line -> line.matches("security\\.provider\\.\\d+=.*"))
        .map(line -> line.substring(line.indexOf('=') + 1).split("\\s")[0]).toList();
    assertEquals(expected, listed, SECURITY);
    for (int i = 0; i < listed.size(); i++) {
      assertTrue(security.contains("security.provider." + (i + 1) + "=" + listed.get(i)), "numbered 1.." + i);
    }
  }

  /**
   * One jar on the class path, the runtime dependencies inside it (pom.xml's shade step): each service or
   * resource lookup then reads one jar, not 36. Its manifest names no other jar; the services of the SDK and
   * SLF4J are merged; the dependencies' licence and notice texts travel with it.
   */
  @Test
  void theJarHoldsItsDependenciesAndTheirLicences() throws IOException {
    byte[] jar = listing.contents().get(JAR);
    assertNotNull(jar, JAR);
    Map<String, byte[]> entries = new java.util.HashMap<>();
    Manifest manifest;
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      manifest = in.getManifest();
      for (var entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
        entries.put(entry.getName(), in.readAllBytes());
      }
    }
    assertNull(manifest.getMainAttributes().getValue("Class-Path"), "no Class-Path: nothing outside the jar");
    assertEquals("dev.awsoidc.cli.Main", manifest.getMainAttributes().getValue("Main-Class"));
    assertEquals("true", manifest.getMainAttributes().getValue("Multi-Release"), "okhttp, jackson … are multi-release");
    assertTrue(listing.entries().stream().noneMatch(e -> e.path().startsWith("/app/lib")), "no /app/lib");
    for (String type : List.of("dev/awsoidc/cli/Main.class", "okhttp3/OkHttpClient.class", "okio/Buffer.class",
        "kotlin/Unit.class", "com/fasterxml/jackson/core/JsonFactory.class", "org/slf4j/LoggerFactory.class",
        "org/slf4j/simple/SimpleServiceProvider.class", "software/amazon/awssdk/services/sts/StsClient.class",
        "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")) {
      assertTrue(entries.containsKey(type), type);
    }
    assertTrue(text(entries, "META-INF/services/software.amazon.awssdk.http.SdkHttpService")
        .contains("software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService"), "merged services");
    assertTrue(text(entries, "META-INF/services/org.slf4j.spi.SLF4JServiceProvider")
        .contains("org.slf4j.simple.SimpleServiceProvider"));
    String licences = text(entries, "META-INF/LICENSE.txt") + text(entries, "META-INF/LICENSE");
    assertTrue(licences.contains("Apache License"), "the SDK's, Jackson's, OkHttp's licence");
    assertTrue(licences.contains("Permission is hereby granted"), "SLF4J's MIT licence");
    assertTrue(text(entries, "META-INF/NOTICE.txt").contains("AWS SDK for Java"), "the SDK's NOTICE");
  }

  private static String text(Map<String, byte[]> entries, String name) {
    byte[] bytes = entries.get(name);
    assertNotNull(bytes, name);
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

}
