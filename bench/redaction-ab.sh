#!/usr/bin/env bash
# bench/redaction-ab.sh: bench/redaction-proxy.sh's figure for two checkouts side by side, for a
# before/after of a redaction change on a machine others share: BEFORE (a checkout of the older
# commit, e.g. `git worktree add /tmp/before COMMIT`) and this checkout are each built and
# installed into a temp prefix with a daemon of its own (five vault secrets each), then ROUNDS
# rounds run before-plain, before-secrets, after-plain, after-secrets: BYTES of stdout from
# `head` through the real shim into `cat > /dev/null`. Per variant: the medians' wall-clock
# ratio (the goal's figure), the daemon's CPU ratio (its /proc/PID/stat), and the ratio of the
# daemon's CPU plus the shim's and cat's (the client side: bash `time` of the pipeline). The
# daemons are stopped by their pids and everything is removed at the end.
#
#   bench/redaction-ab.sh BEFORE [BYTES] [ROUNDS]      default 512 MiB, 6 rounds
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEFORE=$(cd "${1:?usage: bench/redaction-ab.sh BEFORE [BYTES] [ROUNDS]}" && pwd)
BYTES=${2:-$((512 * 1024 * 1024))}
ROUNDS=${3:-6}
cd "$ROOT"
. scripts/find-jdk.sh
T=$(mktemp -d /tmp/airlock-bench-ab.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
setup() { # variant checkout
    local n=$1 dir=$2 cfg="$T/$1/config" shim
    (cd "$dir" && mvn -B -q -ntp package -DskipTests >/dev/null \
        && sh ./install.sh --no-build --prefix "$T/$n/prefix" >"$T/$n.install.log" 2>&1) || { cat "$T/$n.install.log" >&2; exit 1; }
    shim="$T/$n/prefix/bin/airlock-shim"
    [ -x "$T/$n/prefix/bin/airlock-shim-jvm" ] && shim="$T/$n/prefix/bin/airlock-shim-jvm"
    mkdir -p "$cfg/profiles" "$cfg/commands" "$T/$n/work" "$T/$n/agent"
    for c in head headsec; do
        printf '[command]\nbin = "head"\n\n[deny]\nargs = ["--no-such-flag"]\n\n[env]\npass = ["LANG"]\n' > "$cfg/commands/$c.toml"
        ln -s "$shim" "$T/$n/agent/$c"
    done
    printf '[commands]\nenable = ["head", "headsec"]\n' > "$cfg/config.toml"
    for i in 1 2 3 4 5; do
        printf 'bench-secret-value-%s-%s' "$i" "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
            | "$T/$n/prefix/bin/airlock" secret set "bench_secret_$i" --config "$cfg" >/dev/null 2>&1
    done
    printf 'commands = []\n[secrets.headsec]\nenv = { S1 = "bench_secret_1", S2 = "bench_secret_2", S3 = "bench_secret_3", S4 = "bench_secret_4", S5 = "bench_secret_5" }\n[mounts]\n"%s" = "%s"\n' \
        "$T/$n/work" "$T/$n/work" > "$cfg/profiles/default.toml"
    "$T/$n/prefix/bin/airlock" start --config "$cfg" > "$T/$n/daemon.log" 2>&1 &
    PIDS+=($!)
    echo $! > "$T/$n/pid"
    for _ in $(seq 1 100); do [ -S "$cfg/sockets/default.sock" ] && break; sleep 0.1; done
    [ -S "$cfg/sockets/default.sock" ] || { cat "$T/$n/daemon.log" >&2; exit 1; }
}
setup before "$BEFORE"
setup after "$ROOT"
TICK=$(getconf CLK_TCK)
once() { # variant command -> one line: variant command wall_ms daemon_cpu_ms client_cpu_ms bytes
    local n=$1 c=$2 pid t0 t1 c0 c1 client got
    pid=$(cat "$T/$n/pid")
    c0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat"); t0=$(date +%s%N)
    client=$( { TIMEFORMAT='%U %S'; time (cd "$T/$n/work" && AIRLOCK_SOCKET="$T/$n/config/sockets/default.sock" \
        "$T/$n/agent/$c" -c "$BYTES" /dev/zero | wc -c > "$T/got"); } 2>&1 )
    t1=$(date +%s%N); c1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    got=$(cat "$T/got")
    [ "$got" = "$BYTES" ] || { echo "bench/redaction-ab.sh: $n $c delivered $got of $BYTES bytes" >&2; exit 1; }
    echo "$n $c $(( (t1 - t0) / 1000000 )) $(( (c1 - c0) * 1000 / TICK )) $(echo "$client" | awk '{ printf "%d", ($1 + $2) * 1000 }')"
}
for n in before after; do once "$n" head >/dev/null; once "$n" headsec >/dev/null; done # warm-up
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds of $((BYTES / 1048576)) MiB"
for _ in $(seq 1 "$ROUNDS"); do for n in before after; do once "$n" head; once "$n" headsec; done; done > "$T/all.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
    function median(k,   n, i, j, t, v) { n = split(k, v, " "); for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    { wall[$1 " " $2] = wall[$1 " " $2] " " $3; cpu[$1 " " $2] = cpu[$1 " " $2] " " $4; all[$1 " " $2] = all[$1 " " $2] " " ($4 + $5) }
    END {
        for (i = 1; i <= 2; i++) {
            n = i == 1 ? "before" : "after"
            printf "%s: wall ratio %.3f (medians %d / %d ms; secrets runs:%s), daemon CPU ratio %.3f (%d / %d ms), daemon+shim+cat CPU ratio %.3f\n",
                n, median(wall[n " head"]) / median(wall[n " headsec"]), median(wall[n " head"]), median(wall[n " headsec"]), wall[n " headsec"],
                median(cpu[n " head"]) / median(cpu[n " headsec"]), median(cpu[n " head"]), median(cpu[n " headsec"]),
                median(all[n " head"]) / median(all[n " headsec"])
        }
    }' "$T/all.txt"
