#!/usr/bin/env bash
# bench/console.sh: what the web console costs a shim call. Two daemons in the same run, on the
# same machine and load: one without [ui], one with the console on; then the second again while
# an SSE client watches the live feed. Each round runs N sequential sessions of 'true' through the
# in-process protocol client (bench/Load.java: daemon-side cost, no JVM start per call), and the
# rounds alternate (off, on, off, on, ...) so load drift hits both. Prints a markdown table:
# the median over rounds of each round's p50/p99 per session, and the ratio to "off".
#
#   bench/console.sh [--quick]          AIRLOCK_CP=... reuses a classpath instead of 'mvn package'
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=6; N=1000
[ "${1:-}" = "--quick" ] && { ROUNDS=2; N=200; }
. scripts/find-jdk.sh
JAVA="$JAVA_HOME/bin/java"
if [ -z "${AIRLOCK_CP:-}" ]; then
    mvn -B -q -ntp package -DskipTests
    AIRLOCK_CP="$(ls airlock-daemon/target/airlock-daemon-*.jar | grep -v sources | head -1):airlock-daemon/target/lib/*"
fi
SHIM_CP="$ROOT/airlock-shim/target/classes"
[ -d "$SHIM_CP" ] || SHIM_CP=$(ls "$ROOT"/airlock-shim/target/airlock-shim-*.jar | head -1)

B=$(mktemp -d /tmp/airlock-console-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$B"; }
trap cleanup EXIT INT TERM
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$B/work"
start_daemon() { # name extra-config
    local cfg="$B/$1"
    mkdir -p "$cfg/profiles" "$cfg/commands"
    printf '[command]\nbin = "true"\n\n[deny]\nargs = ["--no-such-flag"]\n' > "$cfg/commands/true.toml"
    printf '[commands]\nenable = ["true"]\n%s' "$2" > "$cfg/config.toml"
    printf 'commands = []\n[mounts]\n"%s" = "%s"\n' "$B/work" "$B/work" > "$cfg/profiles/default.toml"
    "$JAVA" --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -cp "$AIRLOCK_CP" \
        airlock.cli.Airlock start --config "$cfg" > "$B/$1.log" 2>&1 &
    PIDS+=($!)
    eval "PID_$1=$!"
    for _ in $(seq 1 150); do [ -S "$cfg/sockets/default.sock" ] && return 0; sleep 0.1; done
    echo "bench/console.sh: daemon $1 did not start" >&2; cat "$B/$1.log" >&2; exit 1
}
start_daemon off ""
start_daemon on $'[ui]\nlisten = "127.0.0.1:0"\n'
for _ in $(seq 1 100); do [ -f "$B/on/ui/address" ] && break; sleep 0.1; done

run() { # name -> "p50 p99" of one round
    local pid; eval "pid=\$PID_$1"
    "$JAVA" -cp "$SHIM_CP" bench/Load.java "$B/$1/sockets/default.sock" "$B/work" "$pid" sequential "$N" true > "$B/r.txt"
    grep -q '^failures 0$' "$B/r.txt" || { echo "bench/console.sh: failures in $1:" >&2; cat "$B/r.txt" >&2; exit 1; }
    echo "$(sed -n 's/^session_p50_us //p' "$B/r.txt") $(sed -n 's/^session_p99_us //p' "$B/r.txt")"
}
: > "$B/off.txt"; : > "$B/on.txt"; : > "$B/watched.txt"
run off > /dev/null; run on > /dev/null   # warm both JITs
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then run off >> "$B/off.txt"; run on >> "$B/on.txt"; else run on >> "$B/on.txt"; run off >> "$B/off.txt"; fi
done

# A watcher: log in with a one-time link, then hold the live feed open (curl -N, output discarded).
URL=$("$JAVA" --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -cp "$AIRLOCK_CP" \
    airlock.cli.Airlock ui --no-browser --config "$B/on" | head -1)
ORIGIN=${URL%%/login*}
curl -s -o /dev/null -c "$B/jar" "$URL"
curl -s -N -b "$B/jar" "$ORIGIN/activity/feed" > "$B/feed.txt" &
PIDS+=($!)
sleep 1
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then run off >> "$B/off2.txt"; run on >> "$B/watched.txt"; else run on >> "$B/watched.txt"; run off >> "$B/off2.txt"; fi
done
sleep 1
FED=$(grep -c '^data: ' "$B/feed.txt" || true)

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }
OFF50=$(col "$B/off.txt" 1); OFF99=$(col "$B/off.txt" 2)
ON50=$(col "$B/on.txt" 1); ON99=$(col "$B/on.txt" 2)
OFF250=$(col "$B/off2.txt" 1); OFF299=$(col "$B/off2.txt" 2)
W50=$(col "$B/watched.txt" 1); W99=$(col "$B/watched.txt" 2)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "Console cost per shim call ($ROUNDS alternating rounds of $N sequential sessions of 'true' each, in-process client;"
echo "2 shared cores, load before: $LOAD_BEFORE; medians over rounds):"
echo
echo "| daemon | session p50 | p99 | p50 vs off (same rounds) |"
echo "|---|---|---|---|"
echo "| console off | ${OFF50} µs | ${OFF99} µs | 1.00 |"
echo "| console on, nobody watching | ${ON50} µs | ${ON99} µs | $(ratio "$ON50" "$OFF50") |"
echo "| console off (rounds of the next line) | ${OFF250} µs | ${OFF299} µs | 1.00 |"
echo "| console on, live feed watched | ${W50} µs | ${W99} µs | $(ratio "$W50" "$OFF250") |"
echo
echo "The watcher received $FED records on its feed; $((ROUNDS * (N + 1))) calls ran while it watched ($N measured + 1 warm-up per round)."
