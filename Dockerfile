# aws-oidc-credentials: a GitHub Actions container action; start-up figures in docs/performance.md.
#
# Build stage: the jar (dependencies inside), a jlink'd runtime, and an AOT cache made by a training run against the local
# emulators over TLS. Final stage: FROM scratch with only the runtime, the app and the few glibc files the JVM
# needs (the stand-in debian/distroless bases alone are 104 MB; this image is ~91 MB, ~43.5 MB compressed).
# Plain Dockerfile syntax only (no RUN --mount, no heredocs): it must build with DOCKER_BUILDKIT=0 / podman.

FROM maven:3.9-eclipse-temurin-25 AS build
# The full JDK moves out of the way: /opt/java is where the jlink'd runtime lives, both in the training run and
# in the final image (an AOT cache records the paths it was made with).
RUN mv /opt/java /opt/jdk
ENV JAVA_HOME=/opt/jdk/openjdk PATH=/opt/jdk/openjdk/bin:$PATH
WORKDIR /src

# Dependencies and plugins first: this layer is reused as long as pom.xml does not change.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline

COPY src src

# One step, so the AOT cache can only ever come from this very jar (JDK-8377932: 25.0.3 silently accepts a
# stale cache):
# 1. the jar (one jar, dependencies inside: pom.xml says why) and the test classes (-DskipTests, not
#    -Dmaven.test.skip: the emulators, run from target/lib, drive the training run);
# 2. a runtime with only the modules jdeps finds (java.base,java.logging,java.xml today). TLS needs no jdk.crypto.*
#    module: EC and XDH are in java.base since JDK 22; the training run below is TLS end to end and would fail
#    otherwise. zip-6: the runtime is ~47 MB instead of ~66 MB, start-up unchanged within noise (zip-0 would make
#    the compressed image 4.5 MB smaller but the unpacked one 20 MB larger, and cost more to gunzip on a pull).
#    The native libraries lose their static symbol tables (strip --strip-unneeded, .dynsym stays): libjvm.so
#    29.8 -> 24.8 MB, ~1.5 MB less compressed; only a crash report's native frames would name fewer functions.
#    The runtime's java.security lists only the JCA providers it has, without comments (trim-java-security.sh says why);
# 3. the training run: LocalAws on the full JDK over TLS, the action on the jlink'd runtime with exactly the
#    ENTRYPOINT's flags (the same @jvm.options file) and paths (+ -XX:AOTCacheOutput), so that TLS, crypto and
#    SDK classes are in the cache.
#    Only this run trusts the test CA (-Djavax.net.ssl.trustStore); the image keeps the runtime's own cacerts.
RUN set -eu; \
    mvn -B -q -DskipTests package; \
    modules="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 25 target/aws-oidc-credentials.jar)"; \
    echo "jlink modules: $modules"; \
    jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
          --output /opt/java; \
    find /opt/java -name '*.so' -exec strip --strip-unneeded {} +; \
    sh src/main/jvm/trim-java-security.sh /opt/java; \
    mkdir -p /app /tmp/train/fc /tmp/train/ws /tmp/train/home; \
    cp target/aws-oidc-credentials.jar src/main/jvm/jvm.options /app/; \
    java -cp "target/test-classes:target/classes:target/lib/*" dev.awsoidc.testing.LocalAws --tls /tmp/train/tls \
         > /tmp/train/localaws.out & \
    emulator=$!; \
    i=0; until grep -q '^READY$' /tmp/train/localaws.out; do \
        i=$((i+1)); [ $i -lt 300 ] || { echo "LocalAws did not start"; exit 1; }; sleep 0.1; done; \
    grep '=' /tmp/train/localaws.out > /tmp/train/env; set -a; . /tmp/train/env; set +a; \
    for f in set_env set_output step_summary; do : > /tmp/train/fc/$f; done; \
    cd /tmp/train/ws; \
    env -i LANG=C.UTF-8 "INPUT_ROLE-TO-ASSUME=$ROLE_ARN" "INPUT_AWS-REGION=us-east-1" \
        "ACTIONS_ID_TOKEN_REQUEST_URL=$ACTIONS_ID_TOKEN_REQUEST_URL" \
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN=$ACTIONS_ID_TOKEN_REQUEST_TOKEN" \
        "AWS_ENDPOINT_URL_STS=$AWS_ENDPOINT_URL_STS" GITHUB_ACTIONS=true HOME=/tmp/train/home \
        GITHUB_ENV=/tmp/train/fc/set_env GITHUB_OUTPUT=/tmp/train/fc/set_output \
        GITHUB_STEP_SUMMARY=/tmp/train/fc/step_summary \
      /opt/java/bin/java @/app/jvm.options \
        -Djavax.net.ssl.trustStore="$TRUST_STORE" -Djavax.net.ssl.trustStorePassword="$TRUST_STORE_PASSWORD" \
        -XX:AOTCacheOutput=/app/app.aot -cp /app/aws-oidc-credentials.jar dev.awsoidc.cli.Main > /tmp/train/action.out 2>&1; \
    kill $emulator; \
    grep -q '^AWS_SESSION_TOKEN' /tmp/train/fc/set_env || { echo "training run failed"; cat /tmp/train/action.out; exit 1; }; \
    ls -l /app/app.aot

# The root file system of the final image: the runtime, the app, and what the JVM needs from the OS, found with
# ldd (the glibc loader, libc, libm, libdl, libpthread, librt; zlib is bundled in Temurin's libzip). libgcc_s is
# dlopen'ed by glibc for thread unwinding, so ldd does not list it; libjvm.so is the runtime's own, loaded by
# path, the only expected "not found". glibc >= 2.34 has the files/dns NSS back-ends built into libc, and the
# engine mounts /etc/hosts and /etc/resolv.conf. The C.UTF-8 locale (400 kB) makes the JVM decode environment
# variables (inputs) as UTF-8 instead of ASCII. /tmp for java.io.tmpdir; /etc/passwd so that root is "root".
RUN set -eu; \
    mkdir -p /rootfs/etc /rootfs/tmp /rootfs/opt /rootfs/usr/lib/locale; chmod 1777 /rootfs/tmp; \
    for f in /opt/java/bin/java $(find /opt/java/lib -name '*.so'); do ldd "$f"; done > /tmp/ldd.out; \
    if grep 'not found' /tmp/ldd.out | grep -v 'libjvm.so'; then echo "unresolved library"; exit 1; fi; \
    { grep -o '/[^ ]*' /tmp/ldd.out | grep -v '^/opt/java'; find /lib /usr/lib -name libgcc_s.so.1 -print -quit; } \
      | sort -u > /tmp/os-libs; \
    cat /tmp/os-libs; \
    xargs -I{} cp --parents -L {} /rootfs/ < /tmp/os-libs; \
    cp -r /usr/lib/locale/C.utf8 /rootfs/usr/lib/locale/; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\n' > /rootfs/etc/passwd; \
    printf 'root:x:0:\n' > /rootfs/etc/group; \
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' > /rootfs/etc/nsswitch.conf; \
    mv /opt/java /rootfs/opt/java; \
    mv /app /rootfs/app

# GitLab CI variant: `docker build --target gitlab` (README "GitLab CI"); released as ghcr.io/…:X.Y.Z-gitlab.
# GitLab's Docker executor overrides the entrypoint and runs the job script with the image's shell, which the
# scratch image below does not have. This stage: Debian's shell, curl (SigV4-signed calls without the AWS CLI),
# and the tool on PATH as `aws-oidc-credentials`. The runtime, app and AOT cache are the build stage's, at the
# same paths, and the launcher passes exactly the ENTRYPOINT's flags: an AOT cache only matches those.
# No ENTRYPOINT, so jobs work with or without `entrypoint: [""]`. Kept before the final stage: a plain
# `docker build` still makes the action's image.
FROM debian:bookworm-slim AS gitlab
RUN set -eu; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl; \
    apt-get clean; rm -rf /var/lib/apt/lists/*
COPY --from=build /rootfs/opt/java /opt/java
COPY --from=build /rootfs/app /app
RUN printf '%s\n' '#!/bin/sh' \
      'exec /opt/java/bin/java -XX:AOTCache=/app/app.aot @/app/jvm.options -cp /app/aws-oidc-credentials.jar dev.awsoidc.cli.Main "$@"' \
      > /usr/local/bin/aws-oidc-credentials; \
    chmod 755 /usr/local/bin/aws-oidc-credentials
ENV LANG=C.UTF-8
CMD ["/bin/sh"]

FROM scratch
COPY --from=build /rootfs/ /
ENV LANG=C.UTF-8
# The runner starts the container with --workdir /github/workspace, HOME=/github/home, as root: no USER, no WORKDIR.
# The flags are the training run's (an AOT cache only matches the flags it was made with): one file,
# /app/jvm.options (src/main/jvm/jvm.options, with the reason for each). Nothing is printed but the action's output.
# The main class is named (-cp), not found through the jar's manifest (-jar): the launcher would open the jar to read
# it, parsing its 5,200-entry directory, close it, and the class loader would open and parse it again (~6 ms).
ENTRYPOINT ["/opt/java/bin/java", "-XX:AOTCache=/app/app.aot", "@/app/jvm.options", "-cp", "/app/aws-oidc-credentials.jar", "dev.awsoidc.cli.Main"]
