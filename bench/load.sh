#!/usr/bin/env bash
# Load: N concurrent runs of the action (default 200), as an organisation's reusable workflow fanning out to
# hundreds of jobs at once, against one LocalAws whose STS answers Throttling to a share of its calls (default
# 0.3). Each run is the jar on the host's JDK with the ENTRYPOINT's flags (src/main/jvm/jvm.options) and an AOT
# cache made by one training run, as in the image; inputs and deadline are the action's defaults. Reports
# successes, wall times, STS attempts per run and the spread of the retries' delays, and checks that every run
# exported all five variables (exit 0) or nothing (exit 1). Figures: docs/performance.md, "Load".
#
#   bash bench/load.sh [RUNS (default 200)] [THROTTLE_FRACTION (default 0.3)]
# Scratch files: bench/out/load/ (ignored by git and docker).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${1:-200}
FRACTION=${2:-0.3}
OUT=$PWD/bench/out/load
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [[ -n "${JAVA_HOME:-}" ]]; then export PATH="$JAVA_HOME/bin:$PATH"; fi
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -rf "$OUT"; mkdir -p "$OUT"

jar=target/aws-oidc-credentials.jar
if [[ ! -f $jar || ! -f target/test-classes/dev/awsoidc/testing/LocalAws.class \
      || -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  mvn -B -q -DskipTests package
fi

. bench/local-aws.sh

# the AOT cache, from one run against an emulator without faults (the image's training run is over TLS; the
# load runs are plain HTTP, so the cache is made over plain HTTP too)
start_local_aws train
python3 bench/load.py train "$OUT/train.env" "$OUT/train" "$OUT/app.aot" "$PWD/src/main/jvm/jvm.options" "$PWD/$jar"

start_local_aws load --throttle-fraction "$FRACTION" --request-log "$OUT/sts-requests.log"
echo "== $(date -u +%F) on $(nproc) vCPU, $(free -g | awk '/^Mem:/ {print $2}') GB; $(java -version 2>&1 | sed -n 2p)"
echo "== $RUNS concurrent runs, STS throttling $FRACTION of its calls at random; action defaults (retry-max-attempts 5, action-timeout-s 120)"
python3 bench/load.py run "$OUT/load.env" "$OUT/runs" "$OUT/app.aot" "$PWD/src/main/jvm/jvm.options" "$PWD/$jar" \
  "$RUNS" "$OUT/sts-requests.log"
