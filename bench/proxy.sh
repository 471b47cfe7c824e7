#!/usr/bin/env bash
# bench/proxy.sh: what the proxy costs, measured in one run next to its baselines.
#   1. per-call latency of a trivial git command: git directly; through the JVM shim; through the
#      JVM shim with a JDK 25 AOT cache (-XX:AOTCacheOutput training run, then -XX:AOTCache)
#   2. stdout throughput of `git cat-file blob` of a random blob: a plain pipe vs through the shim
# Prints a Markdown table (and writes it to $1 when given). Needs hyperfine and a built tree
# (mvn -DskipTests package; done here when the jars are missing). Only the daemon's unix socket.
#   bench/proxy.sh [OUT.md]    env: RUNS (default 30), MB (default 512)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. scripts/find-jdk.sh
JAVA="$JAVA_HOME/bin/java"
RUNS=${RUNS:-30}
MB=${MB:-512}
command -v hyperfine >/dev/null || { echo "bench/proxy.sh: needs hyperfine" >&2; exit 1; }
ls airlock-daemon/target/airlock-daemon-*.jar >/dev/null 2>&1 || mvn -B -q -ntp -DskipTests package
DAEMON_JAR=$(ls "$ROOT"/airlock-daemon/target/airlock-daemon-*.jar | head -1)
SHIM_JAR=$(ls "$ROOT"/airlock-shim/target/airlock-shim-*.jar | head -1)

B=$(mktemp -d /tmp/airlock-proxy-bench.XXXXXX)
DAEMON_PID=""
cleanup() {
    { [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null; } || true
    rm -rf "$B"
}
trap cleanup EXIT

# a repository, a random blob in it, a config whose profile mounts the work folder as itself
mkdir -p "$B/work" "$B/config/profiles" "$B/bin" "$B/aot"
git -C "$B/work" init -q -b main repo
git -C "$B/work/repo" -c user.email=b@example.invalid -c user.name=b commit -q --allow-empty -m first
head -c $((MB * 1024 * 1024)) /dev/urandom > "$B/blob"
BLOB=$(git -C "$B/work/repo" hash-object -w "$B/blob")
rm "$B/blob"
printf '[commands]\nenable = ["git"]\n' > "$B/config/config.toml"
printf 'commands = []\n[mounts]\n"%s" = "%s"\n' "$B/work" "$B/work" > "$B/config/profiles/bench.toml"

"$JAVA" --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -cp "$DAEMON_JAR:$(dirname "$DAEMON_JAR")/lib/*" airlock.cli.Airlock start --config "$B/config" \
    > "$B/daemon.log" 2>&1 &
DAEMON_PID=$!
SOCK="$B/config/sockets/bench.sock"
for _ in $(seq 1 300); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { cat "$B/daemon.log" >&2; exit 1; }

# the JVM shim as the launcher runs it, linked as git; the AOT variant uses a cache trained here
cat > "$B/bin/airlock-shim" <<SH
#!/bin/sh
exec "$JAVA" -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -Dairlock.argv0="\$0" -cp "$SHIM_JAR" airlock.shim.Shim "\$@"
SH
cat > "$B/aot/airlock-shim" <<SH
#!/bin/sh
exec "$JAVA" -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:AOTCache="$B/shim.aot" -Dairlock.argv0="\$0" -cp "$SHIM_JAR" airlock.shim.Shim "\$@"
SH
chmod +x "$B/bin/airlock-shim" "$B/aot/airlock-shim"
ln -s airlock-shim "$B/bin/git"
ln -s airlock-shim "$B/aot/git"
export AIRLOCK_SOCKET="$SOCK"
(cd "$B/work/repo" && "$JAVA" -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:AOTCacheOutput="$B/shim.aot" \
    -Dairlock.argv0=git -cp "$SHIM_JAR" airlock.shim.Shim rev-parse HEAD >/dev/null 2>"$B/aot.log")
[ -f "$B/shim.aot" ] || { cat "$B/aot.log" >&2; exit 1; }

cd "$B/work/repo"
GIT=$(command -v git)
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$B/calls.json" \
    -n "git directly" "$GIT rev-parse HEAD" \
    -n "JVM shim" "$B/bin/git rev-parse HEAD" \
    -n "JVM shim + AOT cache" "$B/aot/git rev-parse HEAD" >&2
hyperfine --warmup 1 --runs 5 --export-json "$B/tput.json" \
    -n "plain pipe" "$GIT cat-file blob $BLOB | cat > /dev/null" \
    -n "through airlock" "$B/aot/git cat-file blob $BLOB | cat > /dev/null" >&2

python3 - "$B/calls.json" "$B/tput.json" "$MB" "$RUNS" <<'PY' | tee "${1:-/dev/null}"
import json, sys, os, platform, subprocess
calls = json.load(open(sys.argv[1]))["results"]
tput = json.load(open(sys.argv[2]))["results"]
mb = int(sys.argv[3])
java = subprocess.run([os.environ["JAVA_HOME"] + "/bin/java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
print(f"Machine: {os.cpu_count()} cores, {platform.platform()}, {java}\n")
print(f"Per call (`git rev-parse HEAD`, {sys.argv[4]} runs, hyperfine -N):\n")
print("| variant | median ms | min ms | max ms | overhead vs direct (median) |")
print("|---|---:|---:|---:|---:|")
base = calls[0]["median"]
for r in calls:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['min']*1000:.1f} | {r['max']*1000:.1f} | {(r['median']-base)*1000:+.1f} ms |")
print(f"\nStdout throughput (`git cat-file blob` of {mb} MiB of random bytes into `cat > /dev/null`, 5 runs):\n")
print("| path | median s | MB/s (median) | ratio |")
print("|---|---:|---:|---:|")
b = tput[0]["median"]
for r in tput:
    print(f"| {r['command']} | {r['median']:.2f} | {mb*1.048576/r['median']:.0f} | {b/r['median']:.2f} |")
PY
