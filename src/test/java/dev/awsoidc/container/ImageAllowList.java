package dev.awsoidc.container;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What the action's final image may hold (README, "Supply chain and dependencies"): the jlink'd runtime, the jar and
 * its libraries, the AOT cache, the OS files the JVM needs (the Dockerfile's last build step copies them), and what
 * a container engine adds to a container's file system. Anything else (a shell, a package manager, a JDK tool, a
 * stray file) is a finding. Patterns are globs on absolute paths: {@code *} within one path element, {@code **}
 * across elements, {@code {a,b}} either.
 */
final class ImageAllowList {
  /** glibc's loader and the libraries ldd finds for the runtime (+ libgcc_s, which glibc dlopens). */
  private static final String GLIBC_FILES =
      "{ld-linux*.so.*,libc.so.6,libm.so.6,libdl.so.2,libpthread.so.0,librt.so.1,libgcc_s.so.1}";

  static final List<String> PATTERNS = List.of(
      "/",
      // the runtime: only the launcher in bin/. keytool is java.base's own second launcher: jlink cannot leave
      // it out without also dropping bin/java (--strip-native-commands).
      "/opt", "/opt/java", "/opt/java/release", "/opt/java/bin", "/opt/java/bin/java", "/opt/java/bin/keytool",
      "/opt/java/{conf,legal,lib}", "/opt/java/{conf,legal,lib}/**",
      // the app: one jar, its dependencies inside
      "/app", "/app/aws-oidc-credentials.jar", "/app/app.aot", "/app/jvm.options",
      // the OS files the JVM needs: glibc where ldd finds it (amd64: /lib64 and /lib/x86_64-linux-gnu; arm64: /lib
      // and /lib/aarch64-linux-gnu; /usr/lib/... on merged-/usr systems), and the C.UTF-8 locale
      "/{lib,lib64,usr,usr/lib}", "/{lib,usr/lib}/*-linux-gnu",
      "/{lib,lib64,usr/lib}/" + GLIBC_FILES, "/{lib,usr/lib}/*-linux-gnu/" + GLIBC_FILES,
      "/usr/lib/locale", "/usr/lib/locale/C.utf8", "/usr/lib/locale/C.utf8/**",
      "/etc", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
      "/tmp",
      // what an engine adds to a container (Docker's init layer, podman's run files)
      "/.dockerenv", "/dev", "/dev/**", "/proc", "/sys", "/run", "/run/**",
      "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab");

  private static final List<Pattern> COMPILED = PATTERNS.stream().map(ImageAllowList::glob).toList();

  private ImageAllowList() {}

  static boolean allows(String path) {
    return COMPILED.stream().anyMatch(p -> p.matcher(path).matches());
  }

  /** The entries no pattern allows, as "path (type)". */
  static List<String> outside(List<TarListing.Entry> entries) {
    return entries.stream().filter(e -> !allows(e.path()))
        .map(e -> e.path() + " (" + e.type().name().toLowerCase(java.util.Locale.ROOT)
            + (e.linkTarget().isEmpty() ? "" : " -> " + e.linkTarget()) + ")")
        .toList();
  }

  static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    int groups = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          boolean twice = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
          regex.append(twice ? ".*" : "[^/]*");
          if (twice) i++;
        }
        case '{' -> {
          groups++;
          regex.append("(?:");
        }
        case '}' -> {
          groups--;
          regex.append(')');
        }
        case ',' -> regex.append(groups > 0 ? "|" : ",");
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
