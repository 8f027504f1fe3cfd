#!/usr/bin/env bash
# Start-up benchmark: wall time and max RSS of the action, over plain HTTP and over TLS, for
#   a  the jar with plain `java -jar` on the full Temurin 25 JDK,
#   b  the jar in the production JVM configuration: jlink'd runtime + AOT cache + the ENTRYPOINT's flags
#      (src/main/jvm/jvm.options), built here exactly as the Dockerfile does; b1: b with the JDK's full list of
#      TLS groups in the first handshake (own cache); b2: b without the young-generation sizing,
#   c  the image (`docker run`), next to c0, a no-op `docker run` of the same image (engine overhead),
# plus the failure paths and the image size. Method and figures: docs/performance.md.
#
#   bash bench/bench.sh [RUNS (default 15)] [WARMUPS (default 2)]     (after ../shared/container-engine/setup.sh)
# Output and scratch files: bench/out/ (ignored by git and docker).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${1:-15}
WARMUPS=${2:-2}
IMAGE=aws-oidc-credentials:bench
OUT=$PWD/bench/out
export DOCKER_BUILDKIT=0
if [[ -z "${DOCKER_HOST:-}" && -S /run/podman/podman.sock ]]; then export DOCKER_HOST=unix:///run/podman/podman.sock; fi
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [[ -n "${JAVA_HOME:-}" ]]; then export PATH="$JAVA_HOME/bin:$PATH"; fi
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

# The ENTRYPOINT's and the training run's flags, from the same file.
OPTIONS=$PWD/src/main/jvm/jvm.options
FLAGS=("@$OPTIONS")
# The JDK's default list: setting jdk.tls.namedGroups at all turns off the product's x25519-only first handshake.
ALL_GROUPS=-Djdk.tls.namedGroups=x25519,secp256r1,secp384r1,secp521r1,x448,ffdhe2048,ffdhe3072,ffdhe4096,ffdhe6144,ffdhe8192

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -rf "$OUT"; mkdir -p "$OUT"

echo "== build (jar, image, local jlink runtime)"
jar=target/aws-oidc-credentials.jar
if [[ ! -f $jar || ! -f target/test-classes/dev/awsoidc/testing/LocalAws.class \
      || -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  mvn -B -q -DskipTests package
fi
docker build -t "$IMAGE" . > "$OUT/docker-build.log" 2>&1 || { tail -40 "$OUT/docker-build.log"; exit 1; }
modules=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 25 --class-path 'target/lib/*' "$jar")
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$OUT/jre"
mkdir -p "$OUT/app" "$OUT/aot"
cp "$jar" "$OUT/app/"; cp -r target/lib "$OUT/app/lib"

start_local_aws() { # $1 = name, rest = LocalAws arguments; prints nothing, leaves $OUT/$1.env
  java -cp "target/test-classes:target/classes:target/lib/*" dev.awsoidc.testing.LocalAws "${@:2}" \
    > "$OUT/$1.env" 2> "$OUT/$1.err" &
  pids+=($!)
  for _ in $(seq 300); do grep -qx READY "$OUT/$1.env" && return 0; sleep 0.1; done
  cat "$OUT/$1.err" >&2; echo "LocalAws ($1) did not start" >&2; exit 1
}
start_local_aws plain
start_local_aws tls --tls "$OUT/tls"
declare -A tls
while IFS='=' read -r k v; do tls[$k]=$v; done < <(grep = "$OUT/tls.env")

train() { # $1 = cache file, rest = JVM flags: the Dockerfile's training run, over TLS, with this runtime's paths
  local dir="$OUT/train"; rm -rf "$dir"; mkdir -p "$dir/ws"
  for f in set_env set_output step_summary; do : > "$dir/$f"; done
  (cd "$dir/ws" && env -i PATH="$PATH" LANG=C.UTF-8 "INPUT_ROLE-TO-ASSUME=${tls[ROLE_ARN]}" INPUT_AWS-REGION=us-east-1 \
      ACTIONS_ID_TOKEN_REQUEST_URL="${tls[ACTIONS_ID_TOKEN_REQUEST_URL]}" \
      ACTIONS_ID_TOKEN_REQUEST_TOKEN="${tls[ACTIONS_ID_TOKEN_REQUEST_TOKEN]}" \
      AWS_ENDPOINT_URL_STS="${tls[AWS_ENDPOINT_URL_STS]}" GITHUB_ACTIONS=true HOME="$dir" \
      GITHUB_ENV="$dir/set_env" GITHUB_OUTPUT="$dir/set_output" GITHUB_STEP_SUMMARY="$dir/step_summary" \
      "$OUT/jre/bin/java" "${@:2}" -Djavax.net.ssl.trustStore="${tls[TRUST_STORE]}" \
      -XX:AOTCacheOutput="$OUT/aot/$1" -jar "$OUT/app/aws-oidc-credentials.jar" > "$OUT/train-$1.log" 2>&1)
  grep -q '^AWS_SESSION_TOKEN' "$dir/set_env" || { cat "$OUT/train-$1.log"; echo "training run failed" >&2; exit 1; }
}
train app.aot "${FLAGS[@]}"
train app-all-groups.aot "${FLAGS[@]}" "$ALL_GROUPS"
grep -v -e '^-Xmn' -e '^-XX:MaxTenuringThreshold' "$OPTIONS" > "$OUT/jvm-default-heap.options"

echo
echo "== $(date -u +%F) on $(nproc) vCPU; $(java -version 2>&1 | sed -n 2p)"
python3 bench/measure.py "$OUT" "$RUNS" "$WARMUPS" "$OUT/plain.env" "$OUT/tls.env" "$JAVA_HOME/bin/java" \
  "$OUT/jre/bin/java" "$OUT/app" "$OUT/aot" "$IMAGE" "$OPTIONS" "$OUT/jvm-default-heap.options" "$ALL_GROUPS"

echo
echo "== sizes"
printf '  image %s: %.1f MB\n' "$IMAGE" "$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{print $1/1e6}')"
printf '  jlink runtime %s, jar + lib %s, AOT cache %s\n' "$(du -sh "$OUT/jre" | cut -f1)" \
  "$(du -sh "$OUT/app" | cut -f1)" "$(du -sh "$OUT/aot/app.aot" | cut -f1)"
