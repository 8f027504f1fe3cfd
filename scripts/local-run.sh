#!/usr/bin/env bash
# Runs the action end to end on this machine, the way the GitHub runner runs it, against local emulators
# (OIDC token endpoint + STS; nothing leaves the machine).
#
#   bash ../shared/container-engine/setup.sh   # once, on a fresh machine: container engine + base images
#   bash scripts/local-run.sh
#
# Steps: builds the jar and test classes if needed, builds the image (aws-oidc-credentials:local), starts
# LocalAws on the full JDK, runs the image with the runner's env / mounts / workdir, prints the action's output
# and the resulting GITHUB_ENV (secrets shortened), and, if the aws CLI is installed, proves the credentials work
# with `aws sts get-caller-identity` against the emulator. Exits non-zero if any step fails.
set -euo pipefail

cd "$(dirname "$0")/.."
IMAGE=aws-oidc-credentials:local
export DOCKER_BUILDKIT=0 # the Dockerfile needs no BuildKit; the legacy builder is what podman offers here
if [[ -z "${DOCKER_HOST:-}" && -S /run/podman/podman.sock ]]; then export DOCKER_HOST=unix:///run/podman/podman.sock; fi
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [[ -n "${JAVA_HOME:-}" ]]; then export PATH="$JAVA_HOME/bin:$PATH"; fi

step() { printf '\n== %s\n' "$*"; }
mask() { local v=$1; printf '%s***' "${v:0:4}"; } # enough to recognise a value, not enough to use it

work=$(mktemp -d)
container=aws-oidc-local-$$
emulator=
cleanup() {
  [[ -n "$emulator" ]] && kill "$emulator" 2>/dev/null || true
  docker rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# 1. jar + test classes (LocalAws lives in the test sources), rebuilt when a source is newer than the jar.
jar=target/aws-oidc-credentials.jar
if [[ ! -f $jar || ! -f target/test-classes/dev/awsoidc/testing/LocalAws.class \
      || -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  step "mvn -B -q -DskipTests package"
  mvn -B -q -DskipTests package
fi

# 2. The image, exactly as `runs.image: Dockerfile` makes the runner build it.
step "docker build -t $IMAGE ."
docker build -t "$IMAGE" . > "$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; echo "docker build failed" >&2; exit 1; }
echo "image size: $(( $(docker image inspect -f '{{.Size}}' "$IMAGE") / 1000000 )) MB"

# 3. The emulators, plain HTTP on 127.0.0.1 (the action allows http for an explicit local endpoint).
step "starting LocalAws"
java -cp "target/test-classes:target/classes:target/lib/*" dev.awsoidc.testing.LocalAws \
  > "$work/localaws.out" 2> "$work/localaws.err" &
emulator=$!
for _ in $(seq 300); do
  grep -qx READY "$work/localaws.out" && break
  kill -0 "$emulator" 2>/dev/null || { cat "$work/localaws.err" >&2; echo "LocalAws died" >&2; exit 1; }
  sleep 0.1
done
grep -qx READY "$work/localaws.out" || { echo "LocalAws did not get ready in 30 s" >&2; exit 1; }
declare -A local_env
while IFS='=' read -r key value; do local_env[$key]=$value; done < <(grep '=' "$work/localaws.out")
echo "token endpoint ${local_env[ACTIONS_ID_TOKEN_REQUEST_URL]}, STS ${local_env[AWS_ENDPOINT_URL_STS]}"

# 4. The run, as the runner does it (actions-runtime.md §1.4): per-step file-command files created empty by the
#    runner, env values pointing at their container paths, --workdir /github/workspace, HOME=/github/home, root.
#    Host network so that 127.0.0.1 is the emulators. No --rm: with podman's API the docker CLI would then report
#    exit code 0 whatever the action returned; read it with inspect and remove the container afterwards.
mkdir -p "$work/file_commands" "$work/workspace" "$work/home"
guid=$(cat /proc/sys/kernel/random/uuid)
for f in set_env set_output step_summary; do : > "$work/file_commands/${f}_$guid"; done
step "docker run $IMAGE"
set +e
docker run --name "$container" --network host \
  -e "INPUT_ROLE-TO-ASSUME=${local_env[ROLE_ARN]}" \
  -e "INPUT_AWS-REGION=us-east-1" \
  -e "ACTIONS_ID_TOKEN_REQUEST_URL=${local_env[ACTIONS_ID_TOKEN_REQUEST_URL]}" \
  -e "ACTIONS_ID_TOKEN_REQUEST_TOKEN=${local_env[ACTIONS_ID_TOKEN_REQUEST_TOKEN]}" \
  -e "AWS_ENDPOINT_URL_STS=${local_env[AWS_ENDPOINT_URL_STS]}" \
  -e "GITHUB_ENV=/github/file_commands/set_env_$guid" \
  -e "GITHUB_OUTPUT=/github/file_commands/set_output_$guid" \
  -e "GITHUB_STEP_SUMMARY=/github/file_commands/step_summary_$guid" \
  -e GITHUB_ACTIONS=true -e GITHUB_WORKSPACE=/github/workspace -e HOME=/github/home \
  -v "$work/file_commands:/github/file_commands" -v "$work/workspace:/github/workspace" -v "$work/home:/github/home" \
  -w /github/workspace \
  "$IMAGE" > "$work/action.log" 2>&1
set -e
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
docker rm "$container" >/dev/null
# The runner hides add-mask'ed values from the log; we shorten them here.
while IFS= read -r line; do
  if [[ $line == ::add-mask::* ]]; then echo "::add-mask::$(mask "${line#::add-mask::}")"; else echo "$line"; fi
done < "$work/action.log"
echo "exit code: $exit_code"
[[ $exit_code == 0 ]] || exit 1

# 5. GITHUB_ENV as the runner reads it: NAME=value lines or NAME<<DELIMITER heredocs.
step "GITHUB_ENV (what later steps would see)"
declare -A exported
name= delimiter= value=
while IFS= read -r line; do
  if [[ -n $delimiter ]]; then
    if [[ $line == "$delimiter" ]]; then exported[$name]=$value; delimiter=; else value+=${value:+$'\n'}$line; fi
  elif [[ $line =~ ^([^=<]+)\<\<(.+)$ ]]; then name=${BASH_REMATCH[1]} delimiter=${BASH_REMATCH[2]} value=
  elif [[ $line == *=* ]]; then exported[${line%%=*}]=${line#*=}
  fi
done < "$work/file_commands/set_env_$guid"
for key in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION; do
  [[ -n "${exported[$key]:-}" ]] || { echo "$key missing from GITHUB_ENV" >&2; exit 1; }
  case $key in
    *REGION) echo "$key=${exported[$key]}" ;;
    *) echo "$key=$(mask "${exported[$key]}")" ;;
  esac
done
step "GITHUB_OUTPUT"
cat "$work/file_commands/set_output_$guid"

# 6. The credentials work: a SigV4-signed call the emulator verifies. A clean environment, so that no local
#    AWS profile or credentials take part.
step "aws sts get-caller-identity"
if command -v aws >/dev/null; then
  env -i PATH="$PATH" HOME="$work/home" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_ACCESS_KEY_ID="${exported[AWS_ACCESS_KEY_ID]}" AWS_SECRET_ACCESS_KEY="${exported[AWS_SECRET_ACCESS_KEY]}" \
    AWS_SESSION_TOKEN="${exported[AWS_SESSION_TOKEN]}" AWS_REGION="${exported[AWS_REGION]}" \
    AWS_DEFAULT_REGION="${exported[AWS_DEFAULT_REGION]}" \
    aws sts get-caller-identity --endpoint-url "${local_env[AWS_ENDPOINT_URL_STS]}" --output json
else
  echo "aws CLI not installed: skipped (sudo apt-get install -y awscli, then run again)"
fi
step "OK: the action exchanged the OIDC token for working credentials"
