#!/usr/bin/env bash
# bench/api.sh: issue 24's figures. A signed sandboxed `python3 -c pass` over the HTTPS API against
# the same run over the profile's unix socket, interleaved on one daemon (goal: at most 1.2x);
# then GET /v1/whoami requests per second (one client, eight at once).
#
#   bench/api.sh [RUNS]      default 50; prints markdown tables (docs/performance.md has them)
#
# Needs bubblewrap and python3, and a compiled tree (mvn -pl airlock-daemon -am compile, without
# install). Everything lives in one temp dir, removed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${1:-50}
. scripts/find-jdk.sh
command -v bwrap >/dev/null || { echo "bench/api.sh: bubblewrap (bwrap) is not installed" >&2; exit 2; }
CP_FILE=$(mktemp)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$CP_FILE"' EXIT
mvn -B -q -pl airlock-daemon -am compile dependency:build-classpath -Djazzer.skip -Dmdep.outputFile="$CP_FILE" >/dev/null 2>&1
CP="$ROOT/airlock-daemon/target/classes:$ROOT/airlock-rules/target/classes:$ROOT/airlock-shim/target/classes:$(cat "$CP_FILE")"
echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $RUNS runs of each, interleaved."
"$JAVA_HOME/bin/java" --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp "$CP" \
    "$ROOT/bench/ApiBench.java" "$RUNS" "$TMP"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
