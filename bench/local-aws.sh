# Sourced by bench/bench.sh and bench/load.sh (which set OUT and the array pids, and run from the project root).
start_local_aws() { # $1 = name, rest = LocalAws arguments; prints nothing, leaves $OUT/$1.env
  java -cp "target/test-classes:target/classes:target/lib/*" dev.awsoidc.testing.LocalAws "${@:2}" \
    > "$OUT/$1.env" 2> "$OUT/$1.err" &
  pids+=($!)
  for _ in $(seq 300); do grep -qx READY "$OUT/$1.env" && return 0; sleep 0.1; done
  cat "$OUT/$1.err" >&2; echo "LocalAws ($1) did not start" >&2; exit 1
}
