#!/usr/bin/env python3
"""Start-up benchmark of the action (called by bench.sh, which prepares everything it names).

Each run is one process spawned from here: wall = spawn to exit (perf_counter), max RSS = ru_maxrss of that
child from wait4 (what GNU time's %M reports). Configurations are interleaved run by run, after warm-ups, so
that drifting machine load hits them alike. Every run's exit code is checked: success runs must exit 0 and
export credentials, failure runs must exit 1 and export nothing.

Usage: measure.py OUT_DIR RUNS WARMUPS PLAIN_ENV TLS_ENV JDK_JAVA JRE_JAVA APP_DIR AOT_DIR IMAGE OPTIONS
                  DEFAULT_HEAP_OPTIONS ALL_GROUPS_FLAG
"""
import os
import statistics
import subprocess
import sys
import time
import uuid

(out, runs, warmups, plain_env, tls_env, jdk_java, jre_java, app, aot_dir, image, options, default_heap_options,
 all_groups) = sys.argv[1:]
runs, warmups = int(runs), int(warmups)

# The ENTRYPOINT's flags, read from the same file as in the image (and in the training runs in bench.sh).
PROD_FLAGS = [f"@{options}"]


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


class Target:
    """Where one run gets its GITHUB_* files; truncated before each run."""

    def __init__(self, name):
        self.dir = os.path.join(out, "runs", name)
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs(os.path.join(self.dir, "workspace"), exist_ok=True)
        self.guid = str(uuid.uuid4())
        self.files = {k: os.path.join(self.dir, f"{p}_{self.guid}") for k, p in
                      [("GITHUB_ENV", "set_env"), ("GITHUB_OUTPUT", "set_output"), ("GITHUB_STEP_SUMMARY", "step_summary")]}

    def reset(self):
        for f in self.files.values():
            open(f, "w").close()

    def exported(self):
        with open(self.files["GITHUB_ENV"]) as f:
            return f.read()


def action_env(local, failure):
    env = {"INPUT_ROLE-TO-ASSUME": local["ROLE_ARN"], "INPUT_AWS-REGION": "us-east-1",
           "ACTIONS_ID_TOKEN_REQUEST_URL": local["ACTIONS_ID_TOKEN_REQUEST_URL"],
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": local["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
           "AWS_ENDPOINT_URL_STS": local["AWS_ENDPOINT_URL_STS"], "GITHUB_ACTIONS": "true"}
    if failure == "access-denied":  # a role whose trust policy does not exist: STS says AccessDenied, no retry
        env["INPUT_ROLE-TO-ASSUME"] = "arn:aws:iam::111122223333:role/not-trusted"
    elif failure == "no-id-token":  # the job lacks `permissions: id-token: write`
        del env["ACTIONS_ID_TOKEN_REQUEST_URL"], env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
    return env


def jvm(name, java, flags, local, tls, failure=None):
    t = Target(name)
    trust = [f"-Djavax.net.ssl.trustStore={local['TRUST_STORE']}"] if tls else []
    cmd = [java] + flags + trust + ["-jar", os.path.join(app, "aws-oidc-credentials.jar")]
    env = action_env(local, failure)
    env.update(t.files, HOME=t.dir, PATH=os.environ["PATH"], LANG="C.UTF-8")
    return dict(name=name, cmd=cmd, env=env, cwd=os.path.join(t.dir, "workspace"), target=t, failure=failure)


def docker(name, local, tls, failure=None, noop=False):
    t = Target(name)
    cname = f"aws-oidc-bench-{os.getpid()}"
    cmd = ["docker", "run", "--name", cname, "--network", "host", "-w", "/github/workspace",
           "-v", f"{t.dir}:/github/file_commands", "-v", f"{t.dir}/workspace:/github/workspace"]
    if noop:
        # The glibc loader printing its version: a container start and exit with no JVM at all.
        cmd += ["--entrypoint", "/lib64/ld-linux-x86-64.so.2", image, "--version"]
    else:
        if tls:  # the LocalAws trust store (cacerts + test CA) replaces the runtime's: same ENTRYPOINT and flags
            cmd += ["-v", f"{local['TRUST_STORE']}:/opt/java/lib/security/cacerts:ro"]
        env = action_env(local, failure)
        env.update({k: f"/github/file_commands/{os.path.basename(v)}" for k, v in t.files.items()}, HOME="/github/home")
        for k, v in env.items():
            cmd += ["-e", f"{k}={v}"]
        cmd.append(image)
    return dict(name=name, cmd=cmd, env=dict(os.environ), cwd=t.dir, target=t, failure=failure, docker=cname,
                noop=noop)


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
    ok = (code == 0 and "AWS_SESSION_TOKEN" in exported) if not c["failure"] else (code == 1 and exported == "")
    if c.get("noop"):
        ok = code == 0
    if not ok:
        with open(os.path.join(c["target"].dir, "log")) as f:
            sys.exit(f"{c['name']}: unexpected result (exit {code})\n{f.read()}")
    return wall * 1000, usage.ru_maxrss / 1024


def bench(title, configs, n=runs, w=warmups):
    print(f"\n{title}  ({n} runs after {w} warm-ups, interleaved)")
    print(f"  {'configuration':<44} {'median ms':>9} {'min':>6} {'max':>6} {'max RSS MB':>10}")
    results = {c["name"]: [] for c in configs}
    for i in range(w + n):
        for c in configs:
            r = run_once(c)
            if i >= w:
                results[c["name"]].append(r)
    for c in configs:
        walls = [r[0] for r in results[c["name"]]]
        rss = "-" if "docker" in c else f"{max(r[1] for r in results[c['name']]):.1f}"
        print(f"  {c['name']:<44} {statistics.median(walls):9.0f} {min(walls):6.0f} {max(walls):6.0f} {rss:>10}",
              flush=True)
    return results


plain, tls = read_env(plain_env), read_env(tls_env)
aot = lambda name: [f"-XX:AOTCache={os.path.join(aot_dir, name)}"]
for label, local, is_tls in [("plain HTTP", plain, False), ("TLS (token endpoint and STS over https)", tls, True)]:
    configs = [
        jvm("a  java -jar (Temurin 25 JDK, no flags)", jdk_java, [], local, is_tls),
        jvm("b  jlink + AOT cache + production flags", jre_java, aot("app.aot") + PROD_FLAGS, local, is_tls),
        jvm("b1 as b, all TLS groups in the first handshake", jre_java, aot("app-all-groups.aot") + PROD_FLAGS + [all_groups], local, is_tls),
        jvm("b2 as b, default young generation", jre_java, aot("app.aot") + [f"@{default_heap_options}"], local, is_tls),
        docker("c  docker run IMAGE", local, is_tls),
        docker("c0 docker run no-op (engine overhead)", local, is_tls, noop=True),
    ]
    bench(label, configs)

bench("Failure paths over TLS (must be < 2 s)", [
    jvm("b  AccessDenied from STS", jre_java, aot("app.aot") + PROD_FLAGS, tls, True, "access-denied"),
    jvm("b  no id-token permission", jre_java, aot("app.aot") + PROD_FLAGS, tls, True, "no-id-token"),
    docker("c  AccessDenied from STS", tls, True, "access-denied"),
    docker("c  no id-token permission", tls, True, "no-id-token"),
], n=max(5, runs // 3), w=1)
