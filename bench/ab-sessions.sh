#!/usr/bin/env bash
# bench/ab-sessions.sh CHECKOUT_A CHECKOUT_B [ROUNDS]
#
# The session path of two builds side by side: a daemon from each checkout (built with
# 'mvn -B -q package -DskipTests' there), the same bench config, an in-process client
# (bench/Load.java), ROUNDS interleaved rounds of 2000 sessions of 'true' and 300 of 'git status'.
# Prints each round's p50; compare the columns, not the absolute figures. Loopback only; both
# daemons are stopped by their pids and the temp dir removed.
set -euo pipefail
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd); ROUNDS=${3:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/scripts/find-jdk.sh"
J="$JAVA_HOME/bin/java"
T=$(mktemp -d /tmp/airlock-ab.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/work"
(cd "$T/work" && git init -q repo)
for side in A B; do
    dir=${!side}; C="$T/cfg-$side"; D="$dir/airlock-daemon/target"
    mkdir -p "$C/profiles" "$C/commands"
    printf '[command]\nbin = "true"\n\n[deny]\nargs = ["--no-such-flag"]\n\n[env]\npass = ["LANG"]\n' > "$C/commands/true.toml"
    printf '[commands]\nenable = ["true", "git"]\n' > "$C/config.toml"
    printf 'commands = []\n[mounts]\n"%s" = "%s"\n' "$T/work" "$T/work" > "$C/profiles/default.toml"
    "$J" --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseSerialGC -Xmx256m \
        -cp "$D/airlock-daemon-0.1.0-SNAPSHOT.jar:$D/lib/*" airlock.cli.Airlock start --config "$C" > "$T/$side.log" 2>&1 &
    pids+=($!); echo $! > "$T/$side.pid"
done
for side in A B; do for _ in $(seq 1 100); do [ -S "$T/cfg-$side/sockets/default.sock" ] && break; sleep 0.1; done; done
for r in $(seq 1 "$ROUNDS"); do
    for side in A B; do
        dir=${!side}; S="$dir/airlock-shim/target/classes"; P=$(cat "$T/$side.pid"); SOCK="$T/cfg-$side/sockets/default.sock"
        t=$("$J" -cp "$S" "$HERE/bench/Load.java" "$SOCK" "$T/work" "$P" sequential 2000 true | awk '$1 == "session_p50_us" { print $2 }')
        g=$("$J" -cp "$S" "$HERE/bench/Load.java" "$SOCK" "$T/work/repo" "$P" sequential 300 git status | awk '$1 == "session_p50_us" { print $2 }')
        echo "round $r  $side ($(basename "$dir"))  true p50 ${t} us  git-status p50 ${g} us"
    done
done
