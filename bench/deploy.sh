#!/usr/bin/env bash
# bench/deploy.sh: the deployment images' figures (issue 27), recorded in docs/performance.md
# ("The deployment images"):
#   - each image's size (docker image inspect);
#   - the daemon container's start time to its first answered request: from `docker run -d` to
#     the first `git --version` an agent container gets answered through the sockets volume,
#     on an empty volume (first start: the starter config is written), on a used one, and on a
#     used one without the image's AOT cache (AIRLOCK_NO_AOT=1).
#
#   bench/deploy.sh [ROUNDS]        (root; builds the images with scripts/deploy-test.sh --keep-images)
#   bench/deploy.sh ROUNDS DAEMON_IMAGE AGENT_IMAGE    (images already in DOCKER_HOST's engine)
#
# Containers run with --network none; without DOCKER_HOST a private dockerd (no bridge, no
# iptables) is started and stopped by its pid. The polling loop runs inside the agent container,
# so `docker exec` is paid once per round, not per try; a try is one shim call (about 0.1 s when
# nobody answers yet), which bounds the resolution.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-5}
DAEMON_IMAGE=${2:-}
AGENT_IMAGE=${3:-}
T=$(mktemp -d /tmp/airlock-dbench.XXXXXX)
DOCKERD_PID=""
CONTAINERS=() VOLUMES=()
cleanup() {
    set +e
    [ ${#CONTAINERS[@]} -gt 0 ] && docker rm -f "${CONTAINERS[@]}" >/dev/null 2>&1
    [ ${#VOLUMES[@]} -gt 0 ] && docker volume rm -f "${VOLUMES[@]}" >/dev/null 2>&1
    [ -n "${BUILT:-}" ] && docker rmi -f "$DAEMON_IMAGE" "$AGENT_IMAGE" >/dev/null 2>&1
    if [ -n "$DOCKERD_PID" ]; then
        kill "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$DOCKERD_PID" 2>/dev/null; wait "$DOCKERD_PID" 2>/dev/null
    fi
    rm -rf "$T"
    return 0
}
trap cleanup EXIT
trap "exit 130" INT TERM
if [ -z "${DOCKER_HOST:-}" ] || ! docker info >/dev/null 2>&1; then
    dockerd --host "unix://$T/docker.sock" --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/docker.pid" \
        --bridge=none --iptables=false --ip6tables=false --ip-masq=false > "$T/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    export DOCKER_HOST="unix://$T/docker.sock"
    for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker info >/dev/null 2>&1 || { echo "bench/deploy.sh: not measured: no Docker engine came up" >&2; exit 0; }
fi
if [ -z "$DAEMON_IMAGE" ]; then
    tags=$("$ROOT/scripts/deploy-test.sh" --keep-images) || { echo "bench/deploy.sh: scripts/deploy-test.sh failed" >&2; exit 1; }
    DAEMON_IMAGE=$(printf '%s\n' "$tags" | sed -n 's/^daemon=//p')
    AGENT_IMAGE=$(printf '%s\n' "$tags" | sed -n 's/^agent=//p')
    BUILT=1
fi
size() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1000000 }'; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] " ms (min " v[1] ", max " v[NR] ", " NR " rounds)" }'; }
wait_answer() { # agent container: until its git is answered through the socket
    docker exec "$1" sh -c 'i=0; until git --version >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 600 ] || exit 1; done'
}
: > "$T/first" ; : > "$T/again" ; : > "$T/noaot"
for r in $(seq 1 "$ROUNDS"); do
    V="airlock-dbench-$$-$r"
    VOLUMES+=("$V-data" "$V-sockets" "$V-ws")
    A="$V-agent" D="$V-daemon"
    CONTAINERS+=("$A" "$D")
    docker run -d --name "$A" --network none -v "$V-sockets:/run/airlock:ro" -v "$V-ws:/workspace" -e AIRLOCK_SOCKET=/run/airlock/default.sock \
        -w /workspace --entrypoint sleep "$AGENT_IMAGE" infinity > /dev/null
    t0=$(date +%s%N)
    docker run -d --name "$D" --network none -v "$V-data:/data" -v "$V-sockets:/data/sockets" -v "$V-ws:/workspace" "$DAEMON_IMAGE" > /dev/null
    wait_answer "$A" || { echo "bench/deploy.sh: the daemon did not answer" >&2; exit 1; }
    ms "$t0" >> "$T/first"
    docker stop -t 20 "$D" > /dev/null
    t0=$(date +%s%N)
    docker start "$D" > /dev/null
    wait_answer "$A" || { echo "bench/deploy.sh: the daemon did not answer after a restart" >&2; exit 1; }
    ms "$t0" >> "$T/again"
    # the same restart without the image's AOT cache, to show what it buys
    docker rm -f "$D" > /dev/null
    docker stop -t 20 "$A" > /dev/null; docker start "$A" > /dev/null
    t0=$(date +%s%N)
    docker run -d --name "$D" --network none -e AIRLOCK_NO_AOT=1 -v "$V-data:/data" -v "$V-sockets:/data/sockets" -v "$V-ws:/workspace" \
        "$DAEMON_IMAGE" > /dev/null
    wait_answer "$A" || { echo "bench/deploy.sh: the daemon did not answer without its AOT cache" >&2; exit 1; }
    ms "$t0" >> "$T/noaot"
    docker rm -f "$A" "$D" > /dev/null
done
echo "daemon image ($DAEMON_IMAGE): $(size "$DAEMON_IMAGE")"
echo "agent image ($AGENT_IMAGE): $(size "$AGENT_IMAGE")"
echo "daemon start to first answered request, empty volume: $(median < "$T/first")"
echo "daemon start to first answered request, used volume: $(median < "$T/again")"
echo "daemon start to first answered request, used volume, without the AOT cache: $(median < "$T/noaot")"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
