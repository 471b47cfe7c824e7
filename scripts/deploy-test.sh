#!/usr/bin/env bash
# The deployment recipes of docs/deploy.md, for real (issue 27): builds a Debian root filesystem
# from the package mirror apt uses (mmdebstrap), imports it, builds docs/deploy/daemon.Dockerfile
# and agent-jvm.Dockerfile on it (BASE_IMAGE; JDK_IMAGE is that base plus the JDK that runs this
# script), then runs
#   1. plain docker run, named volumes: secret set through docker exec, the agent's git flow and
#      a sandboxed python3 script printing a granted secret (markers only), the refusal naming
#      the seccomp fix without it, the console's login link and Host check from inside the
#      container, stop/start: secret, profile key and audit chain still there;
#   2. docker-compose -f docs/deploy/compose.yml (v1; `docker compose` too where installed);
#   3. podman kube play --network none docs/deploy/kubernetes/agent-pod.yaml: git through the
#      sidecar, the Secret's canary in no file or variable of the agent's container.
# Every container runs without a network; the private dockerd has no bridge. No registry.
#   scripts/deploy-test.sh [--keep-images]      (needs root and the built jars: mvn package)
# --keep-images leaves the two images in the engine and prints daemon=TAG and agent=TAG.
# The base rootfs tarball is cached in $AIRLOCK_DEPLOY_CACHE (default /var/cache/airlock-deploy),
# keyed by its package list, suite and mirror. Exits 0 with a message when no engine can start.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# the JDK 25 the images' jlink stage copies: JAVA_HOME, else the usual places (the java on PATH may be older)
. "$ROOT/scripts/find-jdk.sh"
KEEP=0
[ "${1:-}" = --keep-images ] && KEEP=1
START=$(date +%s)
step_start=$START
step() { local now; now=$(date +%s); echo "deploy-test: $1 ($((now - step_start)) s)" >&2; step_start=$now; }
fail() { echo "deploy-test: FAIL: $*" >&2; exit 1; }
skip() { echo "deploy-test: skipped: $*" >&2; exit 0; }

T=$(mktemp -d /tmp/airlock-deploy.XXXXXX)   # short: the engine's socket path must fit in 108 bytes
TAG="deploytest-$$"
DAEMON_IMAGE="airlock-daemon:$TAG" AGENT_IMAGE="airlock-agent:$TAG"
BASE_IMAGE="airlock-deploy-base:$TAG" JDK_IMAGE="airlock-deploy-jdk:$TAG"
DOCKERD_PID=""
CONTAINERS=() VOLUMES=()
PODMAN=(podman --root "$T/podman/root" --runroot "$T/podman/run" --storage-driver overlay)
PODMAN_USED=0
COMPOSE_PROJECTS=()
cleanup() {
    set +e
    if [ ${#COMPOSE_PROJECTS[@]} -gt 0 ]; then
        for p in "${COMPOSE_PROJECTS[@]}"; do docker-compose -p "$p" -f "$ROOT/docs/deploy/compose.yml" down -v >/dev/null 2>&1; done
    fi
    [ ${#CONTAINERS[@]} -gt 0 ] && docker rm -f "${CONTAINERS[@]}" >/dev/null 2>&1
    [ ${#VOLUMES[@]} -gt 0 ] && docker volume rm -f "${VOLUMES[@]}" >/dev/null 2>&1
    if [ $PODMAN_USED = 1 ]; then
        "${PODMAN[@]}" pod rm -f -a >/dev/null 2>&1
        "${PODMAN[@]}" secret rm -a >/dev/null 2>&1
        "${PODMAN[@]}" system reset -f >/dev/null 2>&1
    fi
    if [ -n "${ENGINE_UP:-}" ]; then
        docker rmi -f "$BASE_IMAGE" "$JDK_IMAGE" >/dev/null 2>&1
        [ $KEEP = 1 ] || docker rmi -f "$DAEMON_IMAGE" "$AGENT_IMAGE" >/dev/null 2>&1
    fi
    if [ -n "$DOCKERD_PID" ]; then
        kill "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$DOCKERD_PID" 2>/dev/null
        wait "$DOCKERD_PID" 2>/dev/null
    fi
    rm -rf "$T"
    return 0
}
trap cleanup EXIT
trap "exit 130" INT TERM

# ---------------------------------------------------------------- the jars, the engine
ls "$ROOT"/airlock-daemon/target/airlock-daemon-*.jar "$ROOT"/airlock-shim/target/airlock-shim-*.jar >/dev/null 2>&1 \
    || fail "no built jars in airlock-daemon/target and airlock-shim/target: run 'mvn -B -ntp package -DskipTests' first"
if [ -n "${DOCKER_HOST:-}" ] && docker info >/dev/null 2>&1; then
    echo "deploy-test: using the engine in DOCKER_HOST" >&2
else
    command -v dockerd >/dev/null 2>&1 || skip "no dockerd (Debian: apt-get install docker.io)"
    [ "$(id -u)" = 0 ] || skip "no DOCKER_HOST answers, and a private dockerd needs root"
    dockerd --host "unix://$T/docker.sock" --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/docker.pid" \
        --bridge=none --iptables=false --ip6tables=false --ip-masq=false > "$T/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    export DOCKER_HOST="unix://$T/docker.sock"
    for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    docker info >/dev/null 2>&1 || skip "the private dockerd did not come up ($(tail -n 1 "$T/dockerd.log" | cut -c1-200))"
fi
ENGINE_UP=1
# The classic builder: Debian's docker.io has no buildx, and the Dockerfiles need nothing more.
export DOCKER_BUILDKIT=0
step "engine up"

# ---------------------------------------------------------------- the base root filesystem
PACKAGES="git,openssh-client,bubblewrap,python3,python3-venv,ca-certificates"
SUITE=bookworm
# the mirror apt uses here (its deb lines or deb822 URIs, comments aside), or DEBIAN_MIRROR
MIRROR=${DEBIAN_MIRROR:-$( (grep -rhE '^[[:space:]]*(deb|URIs:)[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) \
    | grep -oE 'https?://[^ ]+/debian/?( |$)' | tr -d ' ' | head -n 1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
MIRROR=${MIRROR%/}
SECURITY=${DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
CACHE=${AIRLOCK_DEPLOY_CACHE:-/var/cache/airlock-deploy}
key=$(printf '%s\n' "$PACKAGES" "$SUITE" "$MIRROR" "$SECURITY" | sha256sum | cut -c1-16)
BASE_TAR="$CACHE/base-$SUITE-$key.tar"
if [ ! -s "$BASE_TAR" ]; then
    command -v mmdebstrap >/dev/null 2>&1 || fail "no mmdebstrap (apt-get install mmdebstrap; .ci/run installs it)"
    mkdir -p "$CACHE"
    mmdebstrap --variant=minbase --include="$PACKAGES" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --format=tar "$SUITE" "$BASE_TAR.tmp" "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" \
        "deb $SECURITY $SUITE-security main" > "$T/mmdebstrap.log" 2>&1 || { tail -n 20 "$T/mmdebstrap.log" >&2; fail "mmdebstrap"; }
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    step "base rootfs built by mmdebstrap from $MIRROR (cached as $BASE_TAR)"
else
    step "base rootfs from the cache $BASE_TAR"
fi
docker import "$BASE_TAR" "$BASE_IMAGE" > /dev/null
# The JDK stage (jlink) on the same base: the JDK running this script, links resolved.
JDK=$JAVA_HOME
[ -x "$JDK/bin/jlink" ] || fail "no jlink in $JDK (set JAVA_HOME to a JDK 25)"
mkdir -p "$T/jdk"
cp -rL "$JDK" "$T/jdk/jdk"
printf 'FROM %s\nCOPY jdk /opt/java/openjdk\nENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' "$BASE_IMAGE" > "$T/jdk/Dockerfile"
docker build -q --network none -t "$JDK_IMAGE" "$T/jdk" > /dev/null 2>"$T/jdk.log" || { cat "$T/jdk.log" >&2; fail "the JDK image"; }
rm -rf "$T/jdk"
step "base and JDK images imported"

# ---------------------------------------------------------------- the images, from the repository's Dockerfiles
build() { # dockerfile image
    docker build --network none --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg JDK_IMAGE="$JDK_IMAGE" \
        -f "$ROOT/docs/deploy/$1" -t "$2" "$ROOT" > "$T/build.log" 2>&1 || { tail -n 30 "$T/build.log" >&2; fail "docker build -f docs/deploy/$1"; }
}
build daemon.Dockerfile "$DAEMON_IMAGE"
step "daemon image built"
build agent-jvm.Dockerfile "$AGENT_IMAGE"
step "agent image built"
for i in "$DAEMON_IMAGE" "$AGENT_IMAGE"; do
    echo "deploy-test: image $i: $(docker image inspect -f '{{.Size}}' "$i" | awk '{ printf "%.0f MB", $1 / 1000000 }')" >&2
done
# the image holds no secret: no vault, no key, nothing in /data but the empty sockets directory
[ "$(docker run --rm --network none --entrypoint /bin/sh "$DAEMON_IMAGE" -c 'find /data -mindepth 1; find / -xdev -name master.key 2>/dev/null')" = /data/sockets ] \
    || fail "the daemon image carries state in /data or a master.key"
[ "$(docker run --rm --network none --entrypoint id "$DAEMON_IMAGE" -u)" = 1000 ] || fail "the daemon image runs as root"

CANARY="deploy-canary-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
MARK="[airlock:redacted api_token]"
SECCOMP=(--security-opt "seccomp=$ROOT/docs/deploy/bwrap-seccomp.json" --security-opt systempaths=unconfined)
GIT_FLOW='set -e
export GIT_AUTHOR_NAME=Agent GIT_AUTHOR_EMAIL=agent@example.invalid GIT_COMMITTER_NAME=Agent GIT_COMMITTER_EMAIL=agent@example.invalid
cd /workspace
git init -q --bare remote.git
git init -q -b main repo
cd repo
echo "hello" > hello.txt
git add hello.txt
git commit -q -m "first commit"
git remote add origin /workspace/remote.git
git push -q origin main 2>&1
git log --format=%s'
wait_daemon() { # container: until the daemon answers on its control socket
    for _ in $(seq 1 150); do
        docker exec "$1" airlock approvals >/dev/null 2>&1 && return 0
        [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || break
        sleep 0.2
    done
    docker logs "$1" 2>&1 | tail -n 20 >&2; fail "the daemon in $1 did not answer"
}
agent_in() { # data-volume-prefix, extra docker-run args..., -- command...
    local v=$1; shift
    docker run --rm --network none -v "$v-sockets:/run/airlock:ro" -v "$v-workspace:/workspace" \
        -e AIRLOCK_SOCKET=/run/airlock/default.sock -w /workspace "$@"
}

# ---------------------------------------------------------------- 1. docker run with named volumes
V="airlock-deploy-$$"
VOLUMES+=("$V-data" "$V-sockets" "$V-workspace")
D="$V-daemon"
CONTAINERS+=("$D" "$V-nofix")
daemon_run() { # name, extra args...
    local name=$1; shift
    docker run -d --name "$name" --network none -v "$V-data:/data" -v "$V-sockets:/data/sockets" -v "$V-workspace:/workspace" \
        "$@" "$DAEMON_IMAGE" > /dev/null
}
daemon_run "$D" "${SECCOMP[@]}"
wait_daemon "$D"
step "1. daemon container answers (first start)"
printf '%s' "$CANARY" | docker exec -i "$D" airlock secret set api_token --description "deploy test canary" > /dev/null
docker exec "$D" test -s /data/vault/master.key || fail "1. no master key in the volume after the first secret"
# python3 sandboxed, without a network of its own (the container has none): an ejected copy
docker exec "$D" airlock eject python3 > /dev/null
docker exec "$D" sed -i 's/^network = true$/network = false/' /data/commands/python3.toml
docker exec "$D" sed -i 's/^enable = .*/enable = ["git", "python3"]/' /data/config.toml
docker exec -i "$D" sh -c 'cat > /data/profiles/default.toml' <<'TOML'
commands = ["git", "python3"]
[mounts]
"/workspace" = "/workspace"
[secrets.python3]
env = { API_TOKEN = "api_token" }
TOML
locked=$(docker exec "$D" airlock profile lock default)
KEY=$(printf '%s\n' "$locked" | grep -oE 'ark_[A-Za-z0-9_:-]+' | head -n 1 || true)
[ -n "$KEY" ] || fail "1. airlock profile lock printed no key"
docker exec "$D" airlock check > "$T/check.log" 2>&1 || { cat "$T/check.log" >&2; fail "1. airlock check"; }
# the daemon reloads the edited config by itself; wait until the profile's socket takes the key
for _ in $(seq 1 50); do
    agent_in "$V" -e AIRLOCK_KEY="$KEY" "$AGENT_IMAGE" git --version >/dev/null 2>&1 && break; sleep 0.2
done
out=$(agent_in "$V" -e AIRLOCK_KEY="$KEY" "$AGENT_IMAGE" sh -c "$GIT_FLOW") || fail "1. the agent's git flow: $out"
[ "$(printf '%s\n' "$out" | tail -n 1)" = "first commit" ] || fail "1. git log after the push gave: $out"
[ "$(docker exec "$D" git --git-dir=/workspace/remote.git log --format=%s main)" = "first commit" ] || fail "1. the push did not reach the bare remote"
cat > "$T/usage.py" <<'PY'
import base64, os
token = os.environ["API_TOKEN"]
print("length", len(token))
print(token)
print(base64.b64encode(token.encode()).decode())
PY
docker run --rm --network none -v "$V-workspace:/workspace" -v "$T/usage.py:/usage.py:ro" --entrypoint cp "$DAEMON_IMAGE" /usage.py /workspace/usage.py
out=$(agent_in "$V" -e AIRLOCK_KEY="$KEY" "$AGENT_IMAGE" python3 usage.py 2>&1) || fail "1. the sandboxed python3: $out"
[ "$out" = "length ${#CANARY}
$MARK
$MARK" ] || fail "1. the sandboxed python3 printed: $out"
found=$(agent_in "$V" -e AIRLOCK_KEY="$KEY" --entrypoint /bin/sh "$AGENT_IMAGE" -c \
    "env | grep -c '$CANARY'; grep -rl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev '$CANARY' / 2>/dev/null | head -n 3" || true)
[ "$found" = 0 ] || fail "1. the canary is in the agent container: $found"
step "1. git flow and sandboxed python3 through the daemon container"

# The console: the login link names the address a person types; the Host check takes it, and
# only it. Tested from inside the container's network namespace (it has no other).
ui=$(docker exec "$D" airlock ui --no-browser)
link=$(printf '%s\n' "$ui" | head -n 1)
case "$link" in http://localhost:9090/login\?t=*) ;; *) fail "1. airlock ui printed '$link'" ;; esac
console=$(docker exec -i "$D" python3 - "$link" <<'PY'
import http.client, sys, urllib.parse
link = urllib.parse.urlsplit(sys.argv[1])
def get(path, host, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", 9090, timeout=10)
    c.request("GET", path, headers={"Host": host, **({"Cookie": cookie} if cookie else {})})
    r = c.getresponse(); r.read()
    return r.status, r.getheader("Set-Cookie") or ""
status, cookie = get(link.path + "?" + link.query, "localhost:9090")
session = cookie.split(";")[0]
print(status, get("/", "localhost:9090", session)[0], get("/", "127.0.0.1:9090", session)[0], get("/", "evil.example:9090", session)[0])
PY
) || fail "1. the console check: $console"
[ "$console" = "303 200 421 421" ] || [ "$console" = "302 200 421 421" ] || fail "1. console (login, page, other Host, rebinding): $console"
step "1. console: login link for http://localhost:9090, Host check"

# SIGTERM stops it with the last record written; a daemon without the seccomp fix refuses the
# sandboxed module naming it; the volume keeps secret, key, audit chain across the restarts.
docker stop -t 20 "$D" > /dev/null
docker logs "$D" > "$T/d1.log" 2>&1
daemon_run "$V-nofix"
wait_daemon "$V-nofix"
set +e
err=$(agent_in "$V" -e AIRLOCK_KEY="$KEY" "$AGENT_IMAGE" python3 usage.py 2>&1); status=$?
set -e
[ $status = 126 ] && [[ "$err" == *"airlock: refused by the sandbox layer"*"seccomp=docs/deploy/bwrap-seccomp.json"*"systempaths=unconfined"* ]] \
    || fail "1. without the seccomp fix: $status $err"
[[ "$err" != *"$CANARY"* ]] || fail "1. the refusal carries the canary"
doctor=$(docker exec "$V-nofix" airlock doctor 2>&1 || true)
[[ "$doctor" == *"seccomp=docs/deploy/bwrap-seccomp.json"* ]] || fail "1. airlock doctor does not name the seccomp fix: $doctor"
docker stop -t 20 "$V-nofix" > /dev/null
docker start "$D" > /dev/null
wait_daemon "$D"
listed=$(docker run --rm --network none -v "$V-data:/data" "$DAEMON_IMAGE" secret list)
[[ "$listed" == *api_token* ]] || fail "1. 'docker run IMAGE secret list' lost the secret: $listed"
docker exec "$D" airlock log --verify > "$T/verify.log" 2>&1 || { cat "$T/verify.log" >&2; fail "1. airlock log --verify after the restarts"; }
docker exec "$D" airlock log > "$T/log.txt" 2>&1
grep -q 'python3 usage.py' "$T/log.txt" || fail "1. the audit log lost the records before SIGTERM"
! grep -rq "$CANARY" "$T/log.txt" "$T/d1.log" || fail "1. the canary is in the audit log or the daemon log"
out=$(agent_in "$V" -e AIRLOCK_KEY="$KEY" "$AGENT_IMAGE" python3 usage.py 2>&1) || fail "1. python3 after the restart: $out"
out=$(agent_in "$V" -e AIRLOCK_KEY="$KEY" -w /workspace/repo "$AGENT_IMAGE" git log --format=%s) || fail "1. git with the old key after the restart: $out"
[ "$out" = "first commit" ] || fail "1. git log after the restart gave: $out"
set +e
err=$(agent_in "$V" -w /workspace/repo "$AGENT_IMAGE" git log 2>&1); status=$?
set -e
[ $status != 0 ] || fail "1. the locked profile answered a call without its key"
docker stop -t 20 "$D" > /dev/null
step "1. SIGTERM, restart: secret, profile key and audit chain kept; refusal without the seccomp fix"

# ---------------------------------------------------------------- 2. compose
compose_flow() { # label, compose command...
    local label=$1; shift
    local project="airlock-deploy-$label-$$"
    COMPOSE_PROJECTS+=("$project")
    AIRLOCK_DAEMON_IMAGE="$DAEMON_IMAGE" AIRLOCK_AGENT_IMAGE="$AGENT_IMAGE" "$@" -p "$project" -f "$ROOT/docs/deploy/compose.yml" up -d \
        > "$T/compose.log" 2>&1 || { cat "$T/compose.log" >&2; fail "2. $label up"; }
    local d
    d=$(AIRLOCK_DAEMON_IMAGE="$DAEMON_IMAGE" AIRLOCK_AGENT_IMAGE="$AGENT_IMAGE" "$@" -p "$project" -f "$ROOT/docs/deploy/compose.yml" ps -q airlock)
    wait_daemon "$d"
    local out
    out=$(AIRLOCK_DAEMON_IMAGE="$DAEMON_IMAGE" AIRLOCK_AGENT_IMAGE="$AGENT_IMAGE" "$@" -p "$project" -f "$ROOT/docs/deploy/compose.yml" \
        exec -T agent sh -c "$GIT_FLOW") || fail "2. $label: the agent's git flow: $out"
    [ "$(printf '%s\n' "$out" | tail -n 1)" = "first commit" ] || fail "2. $label: git log gave: $out"
    [ -z "$(docker network ls -q --filter "name=$project")" ] || fail "2. $label made a network"
    AIRLOCK_DAEMON_IMAGE="$DAEMON_IMAGE" AIRLOCK_AGENT_IMAGE="$AGENT_IMAGE" "$@" -p "$project" -f "$ROOT/docs/deploy/compose.yml" down -v \
        > /dev/null 2>&1 || fail "2. $label down"
    step "2. compose ($label): git flow from the agent service"
}
if command -v docker-compose >/dev/null 2>&1; then
    compose_flow v1 docker-compose
else
    fail "2. no docker-compose (apt-get install docker-compose; .ci/run installs it)"
fi
if docker compose version >/dev/null 2>&1; then
    compose_flow v2 docker compose
else
    echo "deploy-test: 2. 'docker compose' (v2) is not installed here; only docker-compose v1 ran" >&2
fi

# ---------------------------------------------------------------- 3. podman kube play
command -v podman >/dev/null 2>&1 || fail "3. no podman (apt-get install podman catatonit; .ci/run installs them)"
PODMAN_USED=1
# Podman's defaults raise nofile and nproc to the kernel's maximum, which a runner that is itself
# in a container may not allow: the limits a pod gets on an ordinary node instead.
printf '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n[engine]\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n' > "$T/containers.conf"
export CONTAINERS_CONF="$T/containers.conf"
docker save "$DAEMON_IMAGE" "$AGENT_IMAGE" | "${PODMAN[@]}" load > /dev/null 2>&1 || fail "3. podman load"
K="$ROOT/docs/deploy/kubernetes"
K8S_CANARY="k8s-canary-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
cat > "$T/secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: airlock-credentials
type: Opaque
data:
  git_token: $(printf '%s' "$K8S_CANARY" | base64 -w0)
YAML
"${PODMAN[@]}" kube play "$T/secret.yaml" > /dev/null 2>"$T/kube.log" || { cat "$T/kube.log" >&2; fail "3. the Secret"; }
sed -e "s|image: airlock-daemon$|image: localhost/$DAEMON_IMAGE|" -e "s|image: my-agent$|image: localhost/$AGENT_IMAGE|" "$K/agent-pod.yaml" > "$T/agent-pod.yaml"
timeout 300 "${PODMAN[@]}" kube play --network none --configmap "$K/airlock-config.yaml" "$T/agent-pod.yaml" > "$T/kube.log" 2>&1 \
    || { cat "$T/kube.log" >&2; fail "3. podman kube play --network none agent-pod.yaml"; }
S=airlock-agent-airlock A=airlock-agent-agent
deadline=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt $deadline ]; do "${PODMAN[@]}" exec "$S" airlock approvals >/dev/null 2>&1 && break; sleep 0.2; done
"${PODMAN[@]}" exec "$S" airlock approvals >/dev/null 2>&1 || { "${PODMAN[@]}" logs "$S" 2>&1 | tail -n 20 >&2; fail "3. the sidecar did not answer"; }
out=$("${PODMAN[@]}" exec "$A" sh -c "$GIT_FLOW") || fail "3. the agent's git flow through the sidecar: $out"
[ "$(printf '%s\n' "$out" | tail -n 1)" = "first commit" ] || fail "3. git log gave: $out"
# the sidecar's git ran with the Secret's token (the audit record names it injected) ...
"${PODMAN[@]}" exec "$S" sh -c 'cat /data/audit/audit.ndjson' > "$T/k8s-audit.ndjson"
grep -q '"secrets":\["git_token"\]' "$T/k8s-audit.ndjson" || { tail -n 2 "$T/k8s-audit.ndjson" | cut -c1-600 >&2; fail "3. no git run with git_token injected in the sidecar's audit log"; }
! grep -q -e "$K8S_CANARY" -e "$(printf '%s' "$K8S_CANARY" | base64 -w0)" "$T/k8s-audit.ndjson" || fail "3. the canary is in the audit log"
# ... and the agent's container has it in no variable and no file
found=$("${PODMAN[@]}" exec "$A" sh -c "env | grep -c '$K8S_CANARY'; grep -rl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev '$K8S_CANARY' / 2>/dev/null | head -n 3" || true)
[ "$found" = 0 ] || fail "3. the canary is in the agent container: $found"
# Podman 4.3 hands a Secret's data to the container still base64-encoded (a kubelet decodes it):
# the value the sidecar stored is whichever of the two its file holds, and neither may be in the agent.
K8S_CANARY_B64=$(printf '%s' "$K8S_CANARY" | base64 -w0)
stored=$("${PODMAN[@]}" exec "$S" cat /run/secrets/airlock/git_token)
[ "$stored" = "$K8S_CANARY" ] || [ "$stored" = "$K8S_CANARY_B64" ] || fail "3. the Secret is not mounted in the sidecar"
found=$("${PODMAN[@]}" exec "$A" sh -c "env | grep -c -e '$K8S_CANARY' -e '$K8S_CANARY_B64'; grep -rl -e '$K8S_CANARY' -e '$K8S_CANARY_B64' --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev / 2>/dev/null | head -n 3" || true)
[ "$found" = 0 ] || fail "3. the Secret's value is in the agent container: $found"
[ "$("${PODMAN[@]}" exec "$A" id -u)" = 1000 ] && [ "$("${PODMAN[@]}" exec "$S" id -u)" = 1000 ] || fail "3. a container runs as root"
! "${PODMAN[@]}" exec "$A" touch /usr/local/bin/x 2>/dev/null || fail "3. the agent's root filesystem is writable"
"${PODMAN[@]}" kube down "$T/agent-pod.yaml" > /dev/null 2>&1 || true
step "3. podman kube play --network none: git through the sidecar, the Secret's canary nowhere in the agent"

echo "deploy-test: 3 of 3 deployment scenarios passed in $(( $(date +%s) - START )) s" >&2
if [ $KEEP = 1 ]; then
    echo "daemon=$DAEMON_IMAGE"
    echo "agent=$AGENT_IMAGE"
fi
