#!/usr/bin/env bash
# bench/container.sh: issue 13's container figure, called by bench/run.sh (not meant to be run alone).
#
#   bench/container.sh OUT SOCKET WORKSPACE REPO HOST_GIT SHIM_JAR ROUNDS PER_ROUND
#
# `git status` through the shim inside a real container built the way docs/deploy/agent-jvm.Dockerfile
# builds it (a jlinked JRE, the shim jar, the image's launcher, the AOT cache trained IN the image by
# that JRE at the path it runs from), against the same `git status` through the host launcher
# HOST_GIT, in ROUNDS interleaved rounds of `hyperfine -N` with PER_ROUND runs each. The container
# is long-lived (`docker run -d ... sleep infinity`) and hyperfine runs INSIDE it, so neither
# `docker run` nor `docker exec` is in the timings. The same container also has the launcher without
# the cache (the recipe before it trained one), to show what the cache buys.
#
# Writes into OUT: rounds-container-{host,aot,nocache}.txt (one median per round, seconds) and
# container-info.txt; or container-skipped.txt with the reason when no engine or image could be had.
# Never fails bench/run.sh: every problem ends as "not measured: why".
#
# No registry is reachable: the image is made with `docker import` of a folder; the host's /usr/bin,
# /usr/sbin, /usr/lib and /usr/lib64 are bound read-only (libc, /bin/sh, sleep, hyperfine), leaving
# the image's own /usr/local (the Dockerfile's launcher, jar and cache) visible. Containers always run
# with --network none. Without a usable DOCKER_HOST a private dockerd is started (own socket, data
# root, exec root, pidfile; no bridge, no iptables, as .ci/run and DockerEngine.java do) and stopped
# by its pid on exit.
set -uo pipefail
[ $# = 8 ] || { echo "usage: bench/container.sh OUT SOCKET WORKSPACE REPO HOST_GIT SHIM_JAR ROUNDS PER_ROUND" >&2; exit 2; }
OUT=$1 SOCK=$2 WORKSPACE=$3 REPO=$4 HOST_GIT=$5 SHIM_JAR=$6 ROUNDS=$7 PER_ROUND=$8
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOCKERFILE="$ROOT/docs/deploy/agent-jvm.Dockerfile"
mkdir -p "$OUT"
T=$(mktemp -d /tmp/airlock-cbench.XXXXXX)   # short: the private engine's socket path must fit in 108 bytes
IMAGE="airlock-bench-agent-jvm:$$"
CONTAINERS=()
DOCKERD_PID=""
DOCKER=(docker)
ENGINE=""
cleanup() {
    if [ -n "$ENGINE" ]; then # only what this script made, by name
        [ ${#CONTAINERS[@]} -gt 0 ] && "${DOCKER[@]}" rm -f "${CONTAINERS[@]}" >/dev/null 2>&1
        "${DOCKER[@]}" rmi -f "$IMAGE-base" "$IMAGE" >/dev/null 2>&1
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
trap "exit 130" INT TERM   # through the EXIT trap: containers, images, our dockerd
skip() { echo "$*" > "$OUT/container-skipped.txt"; echo "bench/container.sh: not measured: $*" >&2; exit 0; }
START=$(date +%s)

# ---------------------------------------------------------------- a Docker engine
if [ -n "${DOCKER_HOST:-}" ] && docker info >/dev/null 2>&1; then
    ENGINE="the engine in DOCKER_HOST"
else
    command -v docker >/dev/null 2>&1 || skip "no docker CLI on this machine (Debian: apt-get install docker.io)"
    command -v dockerd >/dev/null 2>&1 || skip "no dockerd on this machine (Debian: apt-get install docker.io)"
    [ "$(id -u)" = 0 ] || skip "no DOCKER_HOST answers, and a private dockerd needs root"
    unset DOCKER_HOST
    dockerd --host "unix://$T/docker.sock" --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/docker.pid" \
        --bridge=none --iptables=false --ip6tables=false --ip-masq=false > "$T/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    DOCKER=(docker -H "unix://$T/docker.sock")
    up=0
    for _ in $(seq 1 150); do
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        "${DOCKER[@]}" info >/dev/null 2>&1 && { up=1; break; }
        sleep 0.2
    done
    [ $up = 1 ] || skip "the private dockerd did not come up ($(tail -n 1 "$T/dockerd.log" 2>/dev/null | cut -c1-200))"
    ENGINE="a private dockerd started for this run"
fi

# ---------------------------------------------------------------- the recipe, read from the Dockerfile
# The steps below are the Dockerfile's own lines, so the figure follows the documented recipe when it changes.
[ -f "$DOCKERFILE" ] || skip "no $DOCKERFILE"
jlink_line=$(awk '/^RUN jlink / { sub(/^RUN /, ""); print; exit }' "$DOCKERFILE")
# the launcher the Dockerfile copies into the image
launcher=$(cat "$ROOT/docs/deploy/bin/airlock-shim" 2>/dev/null)
# The training RUN, continuation lines joined; Docker runs a shell-form RUN as /bin/sh -c, so do we.
training=$(awk '/^RUN \/opt\/jre\/bin\/java/ { on = 1 } on { sub(/^RUN /, ""); l = $0; more = sub(/\\$/, "", l); printf "%s", l; if (!more) exit }' "$DOCKERFILE")
case "$jlink_line" in "jlink "*" --output /opt/jre") ;; *) skip "the jlink step of $DOCKERFILE is not the 'RUN jlink ... --output /opt/jre' this script reads" ;; esac
case "$launcher" in *"/opt/jre/bin/java "*"-XX:AOTCache="*) ;; *) skip "no launcher with -XX:AOTCache in $DOCKERFILE" ;; esac
case "$training" in *"AotTraining --self-contained"*) ;; *) skip "no AotTraining --self-contained step in $DOCKERFILE" ;; esac
# The launcher before the image trained a cache: the same flags without -XX:AOTCache (with the flag and
# no file, the JVM prints "Unable to map shared spaces" on every call).
launcher_nocache=$(printf '%s\n' "$launcher" | sed 's/ -XX:AOTCache=[^ ]*//')
[ "$launcher_nocache" != "$launcher" ] || skip "could not drop -XX:AOTCache from the launcher of $DOCKERFILE"

# ---------------------------------------------------------------- the image
R="$T/rootfs"
mkdir -p "$R"/{etc,tmp,run,proc,dev,sys,opt/nocache,usr/local/bin,usr/local/lib/airlock}
chmod 1777 "$R/tmp"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$R/$d"; done
printf 'root:x:0:0:root:/root:/bin/sh\nagent:x:1000:1000:agent:/tmp:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\nagent:x:1000:\n' > "$R/etc/group"
read -r -a jlink_args <<< "${jlink_line#jlink }"
jlink_args[${#jlink_args[@]}-1]="$R/opt/jre"
"${JAVA_HOME:?bench/container.sh needs JAVA_HOME (a JDK 25)}/bin/jlink" "${jlink_args[@]}" > "$T/jlink.log" 2>&1 \
    || skip "jlink failed: $(tail -n 1 "$T/jlink.log")"
cp "$SHIM_JAR" "$R/usr/local/lib/airlock/airlock-shim.jar"
printf '%s\n' "$launcher" > "$R/usr/local/bin/airlock-shim"
printf '%s\n' "$launcher_nocache" > "$R/opt/nocache/airlock-shim"
chmod 755 "$R/usr/local/bin/airlock-shim" "$R/opt/nocache/airlock-shim"
for tool in git terraform aws kubectl; do ln -s airlock-shim "$R/usr/local/bin/$tool"; done
ln -s airlock-shim "$R/opt/nocache/git"
tar -C "$R" -c . | "${DOCKER[@]}" import - "$IMAGE-base" > "$T/import.log" 2>&1 || skip "docker import failed: $(tail -n 1 "$T/import.log")"

USR_RO=()
for d in /usr/bin /usr/sbin /usr/lib /usr/lib64; do [ -d "$d" ] && USR_RO+=(-v "$d:$d:ro"); done
# What the container runs from those binds: the image's launcher needs /bin/sh (usr-merged: /usr/bin/sh).
HYPERFINE=$(command -v hyperfine) || skip "no hyperfine on this machine"
case "$HYPERFINE" in /usr/bin/*|/usr/sbin/*) ;; *) skip "hyperfine is at $HYPERFINE, not under the /usr/bin bound into the container" ;; esac
[ -x /usr/bin/sh ] && [ -x /usr/bin/sleep ] || skip "no /usr/bin/sh or /usr/bin/sleep to bind into the container (a host without merged /usr)"
# The training step in a container of the image (the Dockerfile's RUN), then that container committed
# as the image: the cache is written by the JRE that runs in the image, at the path it runs from.
TRAIN="airlock-bench-train-$$"
CONTAINERS+=("$TRAIN")
t0=$(date +%s%N)
timeout 600 "${DOCKER[@]}" run --name "$TRAIN" --network none "${USR_RO[@]}" "$IMAGE-base" /bin/sh -c "$training" > "$T/train.log" 2>&1 \
    || skip "the AOT training step failed in the container: $(grep -v '^training$' "$T/train.log" | tail -n 1 | cut -c1-200)"
TRAIN_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
"${DOCKER[@]}" commit "$TRAIN" "$IMAGE" > /dev/null 2>&1 || skip "docker commit of the trained container failed"

# ---------------------------------------------------------------- the long-lived container
C="airlock-bench-agent-$$"
CONTAINERS+=("$C")
"${DOCKER[@]}" run -d --name "$C" --network none "${USR_RO[@]}" -v "$SOCK:/run/docker-airlock.sock" \
    -v "$WORKSPACE:$WORKSPACE" -w "$REPO" "$IMAGE" /usr/bin/sleep infinity > "$T/run.log" 2>&1 \
    || skip "docker run of the agent container failed: $(tail -n 1 "$T/run.log")"
in_container() { timeout 600 "${DOCKER[@]}" exec -w "$REPO" "$C" "$@"; }
# The same answer inside as on the host, through both launchers, or there is nothing to time.
want=$(cd "$REPO" && "$HOST_GIT" status 2>&1) || skip "git status through the host launcher failed: $want"
for g in /usr/local/bin/git /opt/nocache/git; do
    got=$(in_container "$g" status 2>&1) || skip "$g status in the container failed: $(printf '%s' "$got" | tail -n 1)"
    [ "$got" = "$want" ] || skip "$g status in the container printed something else than on the host: $(printf '%s' "$got" | head -n 1)"
done
# The cache must really be used: with -XX:AOTMode=on the JVM exits with an error when it cannot map it.
AOT_USED=no
timeout 600 "${DOCKER[@]}" exec -w "$REPO" -e JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$C" /usr/local/bin/git status > /dev/null 2>&1 && AOT_USED=yes
AOT_SIZE=$(in_container /bin/sh -c 'wc -c < /usr/local/lib/airlock/airlock-shim.aot' 2>/dev/null || echo 0)
SETUP_S=$(( $(date +%s) - START ))

# ---------------------------------------------------------------- interleaved rounds
# Each round: hyperfine -N of the host launcher's `git status` in REPO, and hyperfine -N inside the
# container of both launchers' `git status` there; which side goes first alternates by round.
host_round() {
    (cd "$REPO" && timeout 600 "$HYPERFINE" -N --runs "$PER_ROUND" --warmup 2 --export-csv "$T/host.csv" "$HOST_GIT status") > /dev/null 2>&1 \
        && awk -F, 'NR == 2 { print $4 }' "$T/host.csv" >> "$OUT/rounds-container-host.txt"
}
container_round() {
    in_container "$HYPERFINE" -N --runs "$PER_ROUND" --warmup 2 --export-csv /tmp/round.csv \
        "/usr/local/bin/git status" "/opt/nocache/git status" > /dev/null 2>&1 \
        && in_container cat /tmp/round.csv > "$T/container.csv" \
        && awk -F, 'NR == 2 { print $4 }' "$T/container.csv" >> "$OUT/rounds-container-aot.txt" \
        && awk -F, 'NR == 3 { print $4 }' "$T/container.csv" >> "$OUT/rounds-container-nocache.txt"
}
rm -f "$OUT"/rounds-container-*.txt
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then host_round && container_round; else container_round && host_round; fi \
        || { rm -f "$OUT"/rounds-container-*.txt; skip "round $r of hyperfine failed (host or in the container)"; }
done
{
    echo "engine $ENGINE"
    echo "load_before $LOAD_BEFORE"
    echo "load_after $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "jre_mib $(du -sm "$R/opt/jre" | cut -f1)"
    echo "aot_mib $(awk -v b="$AOT_SIZE" 'BEGIN { printf "%.1f", b / 1048576 }')"
    echo "train_ms $TRAIN_MS"
    echo "setup_s $SETUP_S"
    echo "total_s $(( $(date +%s) - START ))"
    echo "aot_used $AOT_USED"
} > "$OUT/container-info.txt"
echo "bench/container.sh: done in $(( $(date +%s) - START )) s (setup $SETUP_S s)" >&2
