#!/usr/bin/env bash
# The README's container recipe, for real: install.sh into a temp prefix, airlock init + start on
# a temp HOME, then the installed shim linked as git runs inside a container (--network none,
# image made with `docker import`, host /usr mounted read-only for the JDK) with
#   1. the profile's socket file mounted at /run/docker-airlock.sock     (README)
#   2. the sockets directory mounted read-only + AIRLOCK_SOCKET           (compose / Kubernetes)
#   3. a working directory outside the profile's mounts                   -> 126, mounts layer
#   4. a container uid without access to the socket                       -> 125, Permission denied
#   5. the same uid once the profile has [socket] uid/gid                 -> works
# Needs a Docker engine in DOCKER_HOST (.ci/run starts a private one) and built jars (mvn package).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
docker info >/dev/null 2>&1 || { echo "container-smoke: no Docker engine (set DOCKER_HOST); skipped" >&2; exit 0; }
T=$(mktemp -d /tmp/airlock-smoke.XXXXXX)
IMAGE="airlock-smoke:$$"
DAEMON_PID=""
cleanup() {
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
    docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "container-smoke: FAIL: $*" >&2; exit 1; }

sh "$ROOT/install.sh" --no-build --no-native --prefix "$T/prefix" 2>"$T/install.log" || { cat "$T/install.log"; fail "install.sh"; }
export HOME="$T/home" XDG_CONFIG_HOME="$T/xdg"
mkdir -p "$HOME" "$T/work"
"$T/prefix/bin/airlock" init --workspace "$T/work" --no-service >/dev/null
git init -q -b main "$T/work/repo"
git -C "$T/work/repo" -c user.email=a@example.invalid -c user.name=A commit -q --allow-empty -m first
echo hi > "$T/work/repo/new.txt"

start_daemon() {
    [ -n "$DAEMON_PID" ] && { kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; }
    rm -f "$XDG_CONFIG_HOME/airlock/sockets/default.sock"
    "$T/prefix/bin/airlock" start > "$T/daemon.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 100); do [ -S "$XDG_CONFIG_HOME/airlock/sockets/default.sock" ] && return 0; sleep 0.1; done
    cat "$T/daemon.log"; fail "daemon did not start"
}
start_daemon

mkdir -p "$T/root"/{etc,usr,tmp,run,workspace,agent-bin,opt/airlock,proc,dev,sys}
chmod 1777 "$T/root/tmp"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$T/root/$d"; done
printf 'root:x:0:0:root:/root:/bin/sh\nagent:x:1000:1000:agent:/tmp:/bin/sh\n' > "$T/root/etc/passwd"
printf 'root:x:0:\nagent:x:1000:\n' > "$T/root/etc/group"
ln -s /opt/airlock/bin/airlock-shim "$T/root/agent-bin/git"
tar -C "$T/root" -c . | docker import - "$IMAGE" >/dev/null

S="$XDG_CONFIG_HOME/airlock/sockets"
# the README's layout: the workspace at the same path in the container as on the host
run() { docker run --rm --network none -v /usr:/usr:ro -v "$T/prefix:/opt/airlock:ro" -v "$T/work:$T/work" "$@"; }

out=$(run -v "$S/default.sock:/run/docker-airlock.sock" -w "$T/work/repo" "$IMAGE" /agent-bin/git status --short)
[ "$out" = "?? new.txt" ] || fail "1. git status through the mounted socket file gave '$out'"
out=$(run -v "$S:/run/airlock:ro" -e AIRLOCK_SOCKET=/run/airlock/default.sock -w "$T/work/repo" "$IMAGE" /agent-bin/git log --format=%s)
[ "$out" = "first" ] || fail "2. git log through the read-only sockets directory gave '$out'"
set +e
err=$(run -v "$S/default.sock:/run/docker-airlock.sock" -w /tmp "$IMAGE" /agent-bin/git status 2>&1); status=$?
set -e
[ $status = 126 ] && [[ "$err" == "airlock: refused by the mounts layer"* ]] || fail "3. outside the mounts: $status $err"
set +e
err=$(run --user 1000:1000 -v "$S/default.sock:/run/docker-airlock.sock" -w "$T/work/repo" "$IMAGE" /agent-bin/git status 2>&1); status=$?
set -e
[ $status = 125 ] && [[ "$err" == *"Permission denied"* ]] || fail "4. uid 1000 without [socket]: $status $err"
printf '\n[socket]\nuid = 1000\ngid = 1000\n' >> "$XDG_CONFIG_HOME/airlock/profiles/default.toml"
start_daemon
out=$(run --user 1000:1000 -v "$S/default.sock:/run/docker-airlock.sock" -w "$T/work/repo" "$IMAGE" /agent-bin/git status --short)
[ "$out" = "?? new.txt" ] || fail "5. uid 1000 with [socket] uid/gid gave '$out'"
echo "container-smoke: 5 of 5 container scenarios passed"
