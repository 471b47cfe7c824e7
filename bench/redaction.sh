#!/usr/bin/env bash
# bench/redaction.sh: redaction on against off over the same stream, in-process, and the cost of
# preparing five injected secrets for one run. The machine may be loaded: every figure is measured
# next to its baseline in the same run and given as median (min, max) and as a ratio.
#
#   bench/redaction.sh            1 GiB per variant, 3 runs, 2000 prepared runs
#   bench/redaction.sh --quick    64 MiB, 2 runs, 200 prepared runs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BYTES=$((1024 * 1024 * 1024)); RUNS=3; CALLS=2000
[ "${1:-}" = --quick ] && { BYTES=$((64 * 1024 * 1024)); RUNS=2; CALLS=200; }
. scripts/find-jdk.sh
mvn -B -q -ntp -pl airlock-daemon -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="airlock-daemon/target/classes:airlock-rules/target/classes:airlock-shim/target/classes:$(cat airlock-daemon/target/bench-cp.txt)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -cp "$CP" bench/Redaction.java "$BYTES" "$RUNS" "$CALLS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
