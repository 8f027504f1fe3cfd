#!/usr/bin/env python3
"""Driver for bench/load.sh: starts the action's runs, checks every run's files, reports the figures.

  load.py train ENV_FILE DIR AOT_CACHE JVM_OPTIONS JAR               one run that writes the AOT cache
  load.py run   ENV_FILE DIR AOT_CACHE JVM_OPTIONS JAR RUNS STS_LOG  RUNS concurrent runs, then the report

ENV_FILE is LocalAws's output (KEY=VALUE lines, then READY). STS_LOG is LocalAws's --request-log:
'<epoch microseconds> <Action> <RoleSessionName>' per STS request; each run has its own session name, so the
log gives each run's attempts and the delays between them. Exit status 1 if any run exported a partial result.
"""
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict

from emulators import MAIN, read_env

VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}
OUTPUTS = {"aws-account-id", "authenticated-arn"}


def parse_file_commands(text):
    """GITHUB_ENV / GITHUB_OUTPUT as the runner reads them: NAME=value, or NAME<<DELIMITER ... DELIMITER."""
    values, lines, i = {}, text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"{name}: no closing delimiter")
            i += 1
            values[name] = "\n".join(body)
        else:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def command(aot_flag, options, jar):
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java"
    return [java, "@" + options, aot_flag, "-cp", jar, MAIN]


def run_env(local, directory, session):
    files = {name: os.path.join(directory, name.lower()) for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
    for path in files.values():
        open(path, "w").close()
    env = {
        "LANG": "C.UTF-8", "HOME": directory, "GITHUB_ACTIONS": "true", "RUNNER_ENVIRONMENT": "github-hosted",
        "ACTIONS_ID_TOKEN_REQUEST_URL": local["ACTIONS_ID_TOKEN_REQUEST_URL"],
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": local["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
        "AWS_ENDPOINT_URL_STS": local["AWS_ENDPOINT_URL_STS"],
        "INPUT_ROLE-TO-ASSUME": local["ROLE_ARN"], "INPUT_AWS-REGION": "us-east-1",
        "INPUT_ROLE-SESSION-NAME": session,
    }
    env.update(files)
    return env, files


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def spread(values, unit=""):
    if not values:
        return "none"
    return (f"min {min(values):.2f}{unit}, p25 {percentile(values, 25):.2f}{unit}, median {statistics.median(values):.2f}{unit}, "
            f"p75 {percentile(values, 75):.2f}{unit}, p95 {percentile(values, 95):.2f}{unit}, max {max(values):.2f}{unit} (n={len(values)})")


def train(env_file, directory, aot, options, jar):
    os.makedirs(directory, exist_ok=True)
    env, files = run_env(read_env(env_file), directory, "training")
    result = subprocess.run(command("-XX:AOTCacheOutput=" + aot, options, jar), env=env, cwd=directory,
                            capture_output=True, text=True)
    exported = parse_file_commands(open(files["GITHUB_ENV"]).read())
    if result.returncode != 0 or set(exported) != VARIABLES:
        sys.exit("training run failed:\n" + result.stdout + result.stderr)


def run(env_file, directory, aot, options, jar, runs, sts_log):
    local = read_env(env_file)
    results = [None] * runs
    start_gate = threading.Event()

    def one(i):
        d = os.path.join(directory, f"run-{i:03d}")
        os.makedirs(d, exist_ok=True)
        env, files = run_env(local, d, f"load-{i:03d}")
        start_gate.wait()
        begin = time.monotonic()
        with open(os.path.join(d, "stdout"), "w") as out, open(os.path.join(d, "stderr"), "w") as err:
            process = subprocess.Popen(command("-XX:AOTCache=" + aot, options, jar), env=env, cwd=d, stdout=out, stderr=err)
            code = process.wait()
        results[i] = (code, time.monotonic() - begin, files, d)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(runs)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # every thread is at the gate: the spawns follow each other as fast as the machine allows
    fanout = time.monotonic()
    start_gate.set()
    for t in threads:
        t.join()
    fanout = time.monotonic() - fanout

    partial, succeeded, failures = [], 0, defaultdict(int)
    for code, took, files, d in results:
        exported = parse_file_commands(open(files["GITHUB_ENV"]).read())
        outputs = parse_file_commands(open(files["GITHUB_OUTPUT"]).read())
        complete = set(exported) == VARIABLES and all(exported.values()) and set(outputs) == OUTPUTS
        empty = not exported and not outputs
        if code == 0 and complete:
            succeeded += 1
        elif code == 1 and empty:
            errors = [l for l in open(os.path.join(d, "stdout")) if l.startswith("::error ")]
            failures[errors[0].split("::")[1] if errors else "(no ::error line)"] += 1
        else:
            partial.append(f"{d}: exit {code}, GITHUB_ENV {sorted(exported)}, GITHUB_OUTPUT {sorted(outputs)}")

    times = [took for _, took, _, _ in results]
    attempts, gaps, by_retry = defaultdict(int), [], defaultdict(list)
    stamps = defaultdict(list)
    with open(sts_log) as f:
        for line in f:
            micros, action, session = line.split()
            if session.startswith("load-"):
                stamps[session].append(int(micros))
    for session, s in stamps.items():
        s.sort()
        attempts[len(s)] += 1
        for k in range(1, len(s)):
            gap = (s[k] - s[k - 1]) / 1e6
            gaps.append(gap)
            by_retry[k].append(gap)
    calls = sum(n * count for n, count in attempts.items())

    print(f"  runs: {runs}; succeeded {succeeded}; failed cleanly (exit 1, nothing exported) {runs - succeeded - len(partial)}"
          f"; partial or inconsistent {len(partial)}")
    for title, count in sorted(failures.items()):
        print(f"    failure: {count} x {title}")
    print(f"  fan-out: all {runs} runs finished {fanout:.1f} s after the first spawn")
    print(f"  wall time per run (spawn to exit): min {min(times):.1f} s, median {statistics.median(times):.1f} s, "
          f"p95 {percentile(times, 95):.1f} s, max {max(times):.1f} s")
    print(f"  STS calls: {calls} for {len(stamps)} runs; {calls - len(stamps)} retried, "
          f"i.e. {(calls - succeeded) / calls:.0%} of the calls were throttled (or failed)")
    print("  STS attempts per run: " + ", ".join(f"{n}: {attempts[n]} runs" for n in sorted(attempts)))
    print(f"  delay between a run's attempts (the backoff, as STS saw it): {spread(gaps, ' s')}")
    for k in sorted(by_retry):
        print(f"    before retry {k}: {spread(by_retry[k], ' s')}")
    for line in partial:
        print("  PARTIAL: " + line)
    return 1 if partial else 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "train":
        train(*sys.argv[2:7])
    else:
        sys.exit(run(*sys.argv[2:7], int(sys.argv[7]), sys.argv[8]))
