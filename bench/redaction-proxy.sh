#!/usr/bin/env bash
# bench/redaction-proxy.sh: bench/run.sh's "secrets" stream figure alone, for a quick before/after
# of a redaction change: BYTES of stdout through the real shim and daemon from `head` with five
# vault secrets injected (every byte through the redaction of both streams and their merged order)
# against the same `head` without secrets, ROUNDS interleaved rounds in one run, median wall time
# of each and the ratio. Builds and installs the checkout it lives in into a temp prefix; the
# daemon it starts is stopped by its pid and everything is removed at the end.
#
#   bench/redaction-proxy.sh [BYTES] [ROUNDS]      default 1 GiB, 7 rounds
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BYTES=${1:-$((1024 * 1024 * 1024))}
ROUNDS=${2:-7}
. scripts/find-jdk.sh
B=$(mktemp -d /tmp/airlock-bench-proxy.XXXXXX)
DAEMON_PID=""
cleanup() {
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$B"
}
trap cleanup EXIT INT TERM
mvn -B -q -ntp package -DskipTests >/dev/null
sh ./install.sh --no-build --prefix "$B/prefix" 2>"$B/install.log" >/dev/null || { cat "$B/install.log" >&2; exit 1; }
SHIM="$B/prefix/bin/airlock-shim"
[ -x "$B/prefix/bin/airlock-shim-jvm" ] && SHIM="$B/prefix/bin/airlock-shim-jvm"
CFG="$B/config"; WORK="$B/work"
mkdir -p "$CFG/profiles" "$CFG/commands" "$WORK" "$B/agent"
for c in head headsec; do
    printf '[command]\nbin = "head"\n\n[deny]\nargs = ["--no-such-flag"]\n\n[env]\npass = ["LANG"]\n' > "$CFG/commands/$c.toml"
    ln -s "$SHIM" "$B/agent/$c"
done
printf '[commands]\nenable = ["head", "headsec"]\n' > "$CFG/config.toml"
for i in 1 2 3 4 5; do
    printf 'bench-secret-value-%s-%s' "$i" "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        | "$B/prefix/bin/airlock" secret set "bench_secret_$i" --config "$CFG" >/dev/null
done
printf 'commands = []\n[secrets.headsec]\nenv = { S1 = "bench_secret_1", S2 = "bench_secret_2", S3 = "bench_secret_3", S4 = "bench_secret_4", S5 = "bench_secret_5" }\n[mounts]\n"%s" = "%s"\n' \
    "$WORK" "$WORK" > "$CFG/profiles/default.toml"
"$B/prefix/bin/airlock" start --config "$CFG" > "$B/daemon.log" 2>&1 &
DAEMON_PID=$!
SOCK="$CFG/sockets/default.sock"
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { cat "$B/daemon.log" >&2; exit 1; }
export AIRLOCK_SOCKET="$SOCK"
cd "$WORK"
for c in head headsec; do
    got=$("$B/agent/$c" -c "$BYTES" /dev/zero | wc -c)
    [ "$got" = "$BYTES" ] || { echo "bench/redaction-proxy.sh: $c delivered $got of $BYTES bytes" >&2; exit 1; }
done
# the daemon's own CPU (all its threads: pumps, redaction, framing), in clock ticks: on a loaded
# machine the wall time measures the neighbours, this does not
cpu() { awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat"; }
TICK=$(getconf CLK_TCK)
once() { # command -> wall ms into $1.txt, daemon CPU ms into $1-cpu.txt
    local t0 t1 c0 c1
    c0=$(cpu); t0=$(date +%s%N)
    "$B/agent/$1" -c "$BYTES" /dev/zero | cat > /dev/null
    t1=$(date +%s%N); c1=$(cpu)
    echo $(( (t1 - t0) / 1000000 )) >> "$B/$1.txt"
    echo $(( (c1 - c0) * 1000 / TICK )) >> "$B/$1-cpu.txt"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq 1 "$ROUNDS"); do once head; once headsec; done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mib=$((BYTES / 1048576))
for f in head headsec head-cpu headsec-cpu; do echo "${f}_ms $(median < "$B/$f.txt") (all: $(sort -n "$B/$f.txt" | tr '\n' ' '))"; done
awk -v p="$(median < "$B/head.txt")" -v s="$(median < "$B/headsec.txt")" -v m="$mib" \
    -v pc="$(median < "$B/head-cpu.txt")" -v sc="$(median < "$B/headsec-cpu.txt")" \
    -v pmin="$(sort -n "$B/head.txt" | head -1)" -v smin="$(sort -n "$B/headsec.txt" | head -1)" 'BEGIN {
    printf "wall: plain %.0f MiB/s, secrets %.0f MiB/s, ratio %.3f (best runs: %.3f)\n", m / (p / 1000), m / (s / 1000), p / s, pmin / smin
    printf "daemon CPU: plain %.0f MiB per CPU-s, secrets %.0f, ratio %.3f\n", m / (pc / 1000), m / (sc / 1000), pc / sc }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
