#!/usr/bin/env bash
# bench/sandbox.sh: a call through a real daemon in the bubblewrap sandbox against the same call
# unsandboxed, interleaved in the same run (so load on the machine falls on both alike).
#
#   bench/sandbox.sh [RUNS]      default 100; prints a markdown table (docs/performance.md has one)
#
# Needs bubblewrap (apt-get install bubblewrap) and a compiled tree (mvn -pl airlock-daemon -am
# compile, without install). Everything lives in one temp dir, removed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${1:-100}
. scripts/find-jdk.sh
command -v bwrap >/dev/null || { echo "bench/sandbox.sh: bubblewrap (bwrap) is not installed" >&2; exit 2; }
CP_FILE=$(mktemp)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$CP_FILE"' EXIT
mvn -B -q -pl airlock-daemon -am compile dependency:build-classpath -Djazzer.skip -Dmdep.outputFile="$CP_FILE" >/dev/null 2>&1
CP="$ROOT/airlock-daemon/target/classes:$ROOT/airlock-rules/target/classes:$ROOT/airlock-shim/target/classes:$(cat "$CP_FILE")"
echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $RUNS calls of each, interleaved."
"$JAVA_HOME/bin/java" --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp "$CP" \
    "$ROOT/bench/SandboxBench.java" "$RUNS" "$TMP"

# --- the private write layer (issue 21 point 3): a writable run holding a secret against the same
# run in the plain sandbox, interleaved; its own daemon and folders in $TMP/layer
echo
echo "Private write layer: $RUNS writable runs of each, interleaved."
mkdir -p "$TMP/layer"
"$JAVA_HOME/bin/java" --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp "$CP" \
    "$ROOT/bench/WriteLayerBench.java" "$RUNS" "$TMP/layer"
# --- end of the private write layer block

# --- user-mode network (issue 21.7): network = true (a namespace of the run's own with pasta,
# under a root daemon) against network = false and host_network = true, interleaved
echo
echo "User-mode network per run (network = true needs pasta: apt-get install passt):"
"$JAVA_HOME/bin/java" --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp "$CP" \
    "$ROOT/bench/SandboxNetworkBench.java" "$RUNS" "$TMP/network"
# --- end of the user-mode network block
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
