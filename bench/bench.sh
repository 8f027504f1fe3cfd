#!/usr/bin/env bash
# Side-by-side start-up benchmark: this action next to the reference Node action
# (../shared/peer/configure-aws-credentials, `node dist/index.js`), in one run, interleaved, against the same
# LocalAws emulators (plain HTTP and TLS) with the same trust, on the success path and on two failure paths:
#   R   the reference, as its README runs it (NODE_EXTRA_CA_CERTS = the test CA PEM over TLS),
#   b   ours in the image's JVM configuration, outside the engine: a jlink'd runtime and an AOT cache built here
#       exactly as the Dockerfile builds them (same modules, same src/main/jvm/jvm.options, training run over TLS),
#   c   the image itself (`docker run` as the runner does it), and c0, a bare container start of the image
#       (`--entrypoint /opt/java/bin/java IMAGE -version`): what a job waits for before our first instruction,
# then the ratios ours / reference, and the image's size (uncompressed and `docker save | gzip -c | wc -c`).
# Method and figures: docs/performance.md.
#
#   bash bench/bench.sh [RUNS (default 15)] [WARMUPS (default 2)] [REF_RETRY_RUNS (default 0)]
#     REF_RETRY_RUNS > 0 adds that many failure runs of the reference with its default retries (~1 min each).
#   bash bench/bench.sh --prepare-baseline DIR     builds runtime, jar and AOT cache of this checkout into DIR
#   BASELINE=DIR bash bench/bench.sh ...            adds DIR's build as row b0, in the same run (before/after)
#   BASELINE_IMAGE=NAME                             also prints the size of that (earlier) image
#   PIN_CPU=0                                       adds a TLS row with both actions pinned to that CPU
# Output and scratch files: bench/out/ (ignored by git and docker).
set -euo pipefail

cd "$(dirname "$0")/.."
PREPARE=
if [[ ${1:-} == --prepare-baseline ]]; then PREPARE=$(realpath -m "$2"); shift 2; fi
RUNS=${1:-15}
WARMUPS=${2:-2}
REF_RETRY_RUNS=${3:-0}
IMAGE=aws-oidc-credentials:bench
OUT=$PWD/bench/out
REFERENCE=$(realpath -m "${REFERENCE:-../shared/peer/configure-aws-credentials}")
export DOCKER_BUILDKIT=0
if [[ -z "${DOCKER_HOST:-}" && -S /run/podman/podman.sock ]]; then export DOCKER_HOST=unix:///run/podman/podman.sock; fi
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [[ -n "${JAVA_HOME:-}" ]]; then export PATH="$JAVA_HOME/bin:$PATH"; fi
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }
[[ -n $PREPARE ]] || command -v node >/dev/null || { echo "node (20 or later) is needed for the reference" >&2; exit 1; }
[[ -n $PREPARE || -f $REFERENCE/dist/index.js ]] || { echo "no reference action at $REFERENCE" >&2; exit 1; }

# The ENTRYPOINT's and the training run's flags, from the same file.
OPTIONS=$PWD/src/main/jvm/jvm.options

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -rf "$OUT"; mkdir -p "$OUT"
BUILD=${PREPARE:-$OUT}; rm -rf "$BUILD/jre" "$BUILD/app" "$BUILD/aot"; mkdir -p "$BUILD"

echo "== build (jar, image, local jlink runtime and AOT cache)"
jar=target/aws-oidc-credentials.jar
if [[ ! -f $jar || ! -f target/test-classes/dev/awsoidc/testing/LocalAws.class \
      || -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  mvn -B -q -DskipTests package
fi
if [[ -z $PREPARE ]]; then
  docker build -t "$IMAGE" . > "$OUT/docker-build.log" 2>&1 || { tail -40 "$OUT/docker-build.log"; exit 1; }
fi
modules=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$BUILD/jre"
find "$BUILD/jre" -name '*.so' -exec strip --strip-unneeded {} +
sh src/main/jvm/trim-java-security.sh "$BUILD/jre" > /dev/null 2>&1
mkdir -p "$BUILD/app" "$BUILD/aot"
cp "$jar" "$OPTIONS" "$BUILD/app/"   # one jar, dependencies inside; each build keeps its own flags

. bench/local-aws.sh
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
      "$BUILD/jre/bin/java" "${@:2}" -Djavax.net.ssl.trustStore="${tls[TRUST_STORE]}" \
      -XX:AOTCacheOutput="$BUILD/aot/$1" -cp "$BUILD/app/aws-oidc-credentials.jar" dev.awsoidc.cli.Main > "$OUT/train-$1.log" 2>&1)
  grep -q '^AWS_SESSION_TOKEN' "$dir/set_env" || { cat "$OUT/train-$1.log"; echo "training run failed" >&2; exit 1; }
}
train app.aot "@$BUILD/app/jvm.options"
if [[ -n $PREPARE ]]; then echo "baseline ready in $PREPARE: BASELINE=$PREPARE bash bench/bench.sh"; exit 0; fi

echo
echo "== $(date -u '+%F %H:%M UTC') on $(nproc) vCPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1));" \
  "$(java -version 2>&1 | sed -n 2p); node $(node --version); $(docker --version)"
python3 bench/measure.py "$OUT" "$RUNS" "$WARMUPS" "$REF_RETRY_RUNS" "$OUT/plain.env" "$OUT/tls.env" \
  "$OUT/jre/bin/java" "$OUT/app" "$OUT/aot/app.aot" "$REFERENCE" "$IMAGE" "${BASELINE:-}"

echo
echo "== sizes"
for image in "$IMAGE" ${BASELINE_IMAGE:-}; do   # BASELINE_IMAGE: an earlier build of the image, for before/after
  printf '  image %s: %.1f MB uncompressed, %.1f MB compressed (docker save | gzip -c | wc -c)\n' "$image" \
    "$(docker image inspect -f '{{.Size}}' "$image" | awk '{print $1/1e6}')" \
    "$(docker save "$image" | gzip -c | wc -c | awk '{print $1/1e6}')"
done
printf '  jlink runtime %s, jar + lib %s, AOT cache %s\n' "$(du -sh "$OUT/jre" | cut -f1)" \
  "$(du -sh "$OUT/app" | cut -f1)" "$(du -sh "$OUT/aot/app.aot" | cut -f1)"
