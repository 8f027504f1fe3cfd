#!/usr/bin/env python3
"""Side-by-side start-up benchmark: this action next to the reference Node action, in one run (called by bench.sh,
which prepares everything it names).

Each run is one process spawned from here: wall = spawn to exit (perf_counter); max RSS = ru_maxrss of that
child from wait4 (what GNU time's %M reports); CPU = its user + system time from the same wait4. The
configurations of a row run interleaved, one after the other in every round (R b c c0 R b c c0 ...), after
warm-ups, so that drifting machine load hits them alike. Every run's result is checked: a success must exit 0 and
export credentials, a failure must exit 1 and export no credentials.

Both actions get the same environment (the runner's, as ../shared/peer/configure-aws-credentials/README.md
shows it), the same emulators (one LocalAws over plain HTTP, one over TLS) and the same trust: the test CA PEM
as NODE_EXTRA_CA_CERTS for node, the LocalAws trust store (the JDK's cacerts + the test CA) for the JVM.

Usage: measure.py OUT_DIR RUNS WARMUPS REF_RETRY_RUNS PLAIN_ENV TLS_ENV JRE_JAVA APP_DIR AOT_CACHE REFERENCE_DIR
                  IMAGE [BASELINE_DIR]
(APP_DIR holds the jar and the jvm.options the cache was trained with.)
"""
import os
import statistics
import subprocess
import sys
import time
import uuid

from emulators import MAIN, read_env

(out, runs, warmups, ref_retry_runs, plain_env, tls_env, jre_java, app, aot_cache, reference, image, *baseline) = sys.argv[1:]
runs, warmups, ref_retry_runs = int(runs), int(warmups), int(ref_retry_runs)
baseline = baseline[0] if baseline and baseline[0] else None


class Target:
    """Where one configuration's runs get their GITHUB_* files and home; truncated before each run."""

    def __init__(self, name):
        self.dir = os.path.join(out, "runs", name.split()[0] + "-" + uuid.uuid4().hex[:6])
        for d in ("workspace", "home"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        guid = str(uuid.uuid4())
        self.files = {k: os.path.join(self.dir, f"{p}_{guid}") for k, p in
                      [("GITHUB_ENV", "set_env"), ("GITHUB_OUTPUT", "set_output"), ("GITHUB_STATE", "save_state"),
                       ("GITHUB_STEP_SUMMARY", "step_summary")]}

    def reset(self):
        for f in self.files.values():
            open(f, "w").close()

    def exported(self):
        with open(self.files["GITHUB_ENV"]) as f:
            return f.read()


POST_STATE = {"STATE_isPost": "true",  # what our main step saved for its post step
              "STATE_cleanup": "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_REGION,AWS_DEFAULT_REGION"}


def runner_env(local, t, failure, paths=None):
    """The environment the runner gives an action step (the reference README's list), the same for both."""
    paths = paths or {}
    env = {"INPUT_ROLE-TO-ASSUME": local["ROLE_ARN"], "INPUT_AWS-REGION": "us-east-1",
           "INPUT_AUDIENCE": "sts.amazonaws.com", "INPUT_STS-ENDPOINT": local["AWS_ENDPOINT_URL_STS"],
           "ACTIONS_ID_TOKEN_REQUEST_URL": local["ACTIONS_ID_TOKEN_REQUEST_URL"],
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": local["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
           "GITHUB_ACTIONS": "true", "RUNNER_ENVIRONMENT": "github-hosted",
           "GITHUB_REPOSITORY": "octo-org/octo-repo", "GITHUB_WORKFLOW": "CI",
           "GITHUB_ACTION": "__run", "GITHUB_ACTOR": "octocat", "GITHUB_SHA": "a" * 40,
           "GITHUB_REF": "refs/heads/main", "AWS_EC2_METADATA_DISABLED": "true", "LANG": "C.UTF-8",
           "GITHUB_WORKSPACE": paths.get("workspace", os.path.join(t.dir, "workspace")),
           "HOME": paths.get("home", os.path.join(t.dir, "home"))}
    env.update({k: paths.get(k, v) for k, v in t.files.items()})
    if failure == "access-denied":  # a role with no trust policy for this token: STS says AccessDenied
        env["INPUT_ROLE-TO-ASSUME"] = "arn:aws:iam::111122223333:role/not-trusted"
    elif failure == "no-id-token":  # the job lacks `permissions: id-token: write`
        del env["ACTIONS_ID_TOKEN_REQUEST_URL"], env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
    return env


def ours(name, java, app_dir, cache, local, tls, failure=None, post=False):
    t = Target(name)
    trust = [f"-Djavax.net.ssl.trustStore={local['TRUST_STORE']}"] if tls else []
    # The ENTRYPOINT's command line, with this build's paths and flags (its cache was trained with them).
    cmd = [java, f"-XX:AOTCache={cache}", f"@{os.path.join(app_dir, 'jvm.options')}"] + trust + [
        "-cp", os.path.join(app_dir, "aws-oidc-credentials.jar"), MAIN]
    env = runner_env(local, t, failure)
    env["PATH"] = os.environ["PATH"]
    if post:
        env.update(POST_STATE)
    return dict(name=name, cmd=cmd, env=env, cwd=os.path.join(t.dir, "workspace"), target=t, failure=failure,
                kind="ours")


def ref(name, local, tls, failure=None, retry_max_attempts=None, post=False):
    t = Target(name)
    env = runner_env(local, t, failure)
    env["PATH"] = os.environ["PATH"]
    if tls:
        env["NODE_EXTRA_CA_CERTS"] = local["AWS_CA_BUNDLE"]
    if retry_max_attempts:
        env["INPUT_RETRY-MAX-ATTEMPTS"] = str(retry_max_attempts)
    script = ["dist", "cleanup", "index.js"] if post else ["dist", "index.js"]
    return dict(name=name, cmd=["node", os.path.join(reference, *script)], env=env,
                cwd=os.path.join(t.dir, "workspace"), target=t, failure=failure, kind="ref")


def docker(name, local, tls, failure=None, bare=False, post=False):
    t = Target(name)
    cname = f"aws-oidc-bench-{os.getpid()}"
    cmd = ["docker", "run", "--name", cname, "--network", "host", "-w", "/github/workspace",
           "-v", f"{t.dir}:/github/file_commands", "-v", f"{t.dir}/workspace:/github/workspace",
           "-v", f"{t.dir}/home:/github/home"]
    if bare:  # a container start and a JVM that prints its version: what a job waits for before our main()
        cmd += ["--entrypoint", "/opt/java/bin/java", image, "-version"]
    else:
        if tls:  # the LocalAws trust store (cacerts + test CA) replaces the runtime's: same ENTRYPOINT and flags
            cmd += ["-v", f"{local['TRUST_STORE']}:/opt/java/lib/security/cacerts:ro"]
        paths = {k: f"/github/file_commands/{os.path.basename(v)}" for k, v in t.files.items()}
        paths.update(workspace="/github/workspace", home="/github/home")
        for k, v in dict(runner_env(local, t, failure, paths), **(POST_STATE if post else {})).items():
            cmd += ["-e", f"{k}={v}"]
        cmd.append(image)
    return dict(name=name, cmd=cmd, env=dict(os.environ), cwd=t.dir, target=t, failure=failure, docker=cname,
                bare=bare, kind="docker")


def run_once(c):
    c["target"].reset()
    with open(os.path.join(c["target"].dir, "log"), "wb") as log:
        start = time.perf_counter()
        p = subprocess.Popen(c["cmd"], env=c["env"], cwd=c["cwd"], stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
    code = p.returncode
    if "docker" in c:  # no --rm: with podman's API the CLI would report 0; ask inspect, then remove
        code = int(subprocess.run(["docker", "inspect", "-f", "{{.State.ExitCode}}", c["docker"]],
                                  capture_output=True, text=True, check=True).stdout.strip())
        subprocess.run(["docker", "rm", c["docker"]], capture_output=True, check=True)
    exported = c["target"].exported()
    if c.get("bare"):
        ok = code == 0
    elif c["failure"]:  # the reference writes AWS_REGION before it fails; ours writes nothing
        ok = code == 1 and "AWS_SESSION_TOKEN" not in exported and (c["kind"] == "ref" or exported == "")
    else:
        ok = code == 0 and "AWS_SESSION_TOKEN" in exported
    if not ok:
        with open(os.path.join(c["target"].dir, "log"), errors="replace") as f:
            sys.exit(f"{c['name']}: unexpected result (exit {code})\n{f.read()}")
    return wall * 1000, usage.ru_maxrss / 1024, (usage.ru_utime + usage.ru_stime) * 1000


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


RATIOS = []  # (row title, ours name, reference name, results)


def bench(title, configs, n=runs, w=warmups, ratios=()):
    print(f"\n{title}  ({n} runs after {w} warm-up{'s' if w != 1 else ''}, interleaved; load average before: "
          f"{loadavg()})", flush=True)
    results = {c["name"]: [] for c in configs}
    for i in range(w + n):
        for c in configs:
            r = run_once(c)
            if i >= w:
                results[c["name"]].append(r)
    print(f"  {'configuration':<56} {'median ms':>9} {'min':>6} {'max':>6} {'max RSS MB':>10} {'CPU ms (median)':>15}")
    for c in configs:
        rs = results[c["name"]]
        walls = [r[0] for r in rs]
        own = c["kind"] != "docker"  # for docker runs, RSS and CPU would be the docker CLI's
        rss = f"{max(r[1] for r in rs):.1f}" if own else "-"
        cpu = f"{statistics.median(r[2] for r in rs):.0f}" if own else "-"
        print(f"  {c['name']:<56} {statistics.median(walls):9.0f} {min(walls):6.0f} {max(walls):6.0f} {rss:>10} {cpu:>15}")
    print(f"  (load average after: {loadavg()})", flush=True)
    for a, b in ratios:
        RATIOS.append((title, a, b, results))
    return results


def print_ratios():
    print("\n== RATIOS, ours / reference, from the rows above (same run, same emulators, same trust)")
    print(f"  {'row':<44} {'ours':<8} {'wall median':>11} {'paired median (min-max)':>24} {'max RSS':>8} {'CPU median':>10}")
    for title, a, b, results in RATIOS:
        ra, rb = results[a], results[b]
        med = lambda rs, k: statistics.median(r[k] for r in rs)
        pairs = [x[0] / y[0] for x, y in zip(ra, rb)]
        r = lambda x: f"{x:.2f}" if x >= 0.1 else f"{x:.4f}"  # failures against 1-2 minutes of retries
        paired = f"{r(statistics.median(pairs))} ({r(min(pairs))}-{r(max(pairs))})"
        own = not a.startswith("c")
        rss = f"{max(r[1] for r in ra) / max(r[1] for r in rb):.2f}" if own else "-"
        cpu = f"{med(ra, 2) / med(rb, 2):.2f}" if own else "-"
        print(f"  {title.split('  (')[0][:44]:<44} {a.split()[0]:<8} {r(med(ra, 0) / med(rb, 0)):>11} {paired:>24} "
              f"{rss:>8} {cpu:>10}")


plain, tls = read_env(plain_env), read_env(tls_env)
OURS = "b  ours: jlink runtime + AOT cache + jvm.options"
REF = "R  reference: node dist/index.js"
DOCKER = "c  ours: docker run IMAGE (engine included)"
BARE = "c0 docker run --entrypoint java IMAGE -version"
BASE = "b0 baseline: as b, from BASELINE"
for label, local, is_tls in [("Success, plain HTTP", plain, False), ("Success, TLS (both endpoints https)", tls, True)]:
    configs = [ref(REF, local, is_tls), ours(OURS, jre_java, app, aot_cache, local, is_tls)]
    pairs = [(OURS, REF)]
    if baseline:
        configs.append(ours(BASE, os.path.join(baseline, "jre/bin/java"), os.path.join(baseline, "app"),
                            os.path.join(baseline, "aot/app.aot"), local, is_tls))
        pairs.append((BASE, REF))
    configs += [docker(DOCKER, local, is_tls), docker(BARE, local, is_tls, bare=True)]
    pairs.append((DOCKER, REF))
    bench(label, configs, ratios=pairs)

# The post step at the end of the job: blank the exported variables. A Node action's post step is one more node
# process; ours is one more container start (c) - what the job waits for - and our JVM alone (b).
configs = [ref("R  reference: node dist/cleanup/index.js", tls, True, post=True),
           ours("b  ours: post step (STATE_isPost), JVM only", jre_java, app, aot_cache, tls, True, post=True),
           docker("c  ours: post step, docker run IMAGE", tls, True, post=True)]
bench("Post step (blank the variables at job end)", configs,
      ratios=[(configs[1]["name"], configs[0]["name"]), (configs[2]["name"], configs[0]["name"])])

pin = os.environ.get("PIN_CPU")
if pin:  # both on one CPU: the JVM's compiler and trust-store threads can no longer hide beside the main thread
    configs = [ref(REF, tls, True), ours(OURS, jre_java, app, aot_cache, tls, True)]
    for c in configs:
        c["cmd"] = ["taskset", "-c", pin] + c["cmd"]
    bench(f"Success, TLS, both pinned to CPU {pin} (taskset -c {pin})", configs, ratios=[(OURS, REF)])

for failure, what in [("access-denied", "STS AccessDenied"), ("no-id-token", "no id-token: write permission")]:
    r1 = f"R  reference, INPUT_RETRY-MAX-ATTEMPTS=1"
    configs = [ref(r1, tls, True, failure, retry_max_attempts=1),
               ours(OURS.split(":")[0] + ": production configuration, default retries", jre_java, app, aot_cache,
                    tls, True, failure)]
    pairs = [(configs[1]["name"], r1)]
    if baseline:
        configs.append(ours(BASE, os.path.join(baseline, "jre/bin/java"), os.path.join(baseline, "app"),
                            os.path.join(baseline, "aot/app.aot"), tls, True, failure))
        pairs.append((BASE, r1))
    bench(f"Failure over TLS: {what}", configs, ratios=pairs)

if ref_retry_runs > 0:  # the reference as shipped retries up to 12 times with backoff: ~1 minute per run
    for failure, what in [("access-denied", "STS AccessDenied"), ("no-id-token", "no id-token: write permission")]:
        r = "R  reference, default retries"
        configs = [ref(r, tls, True, failure), ours("b  ours, default retries", jre_java, app, aot_cache, tls, True,
                                                      failure)]
        bench(f"Failure over TLS, reference with default retries: {what}", configs, n=ref_retry_runs, w=0,
              ratios=[(configs[1]["name"], r)])

print_ratios()
