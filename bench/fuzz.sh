#!/bin/sh
# Longer fuzzing campaign for the frame/request decoder: repeats the 10 s Jazzer run of
# FrameDecoderFuzzTest for MINUTES minutes (default 5), keeping the corpus between rounds in
# airlock-shim/.cifuzz-corpus. A crash fails the run and leaves its input in
# airlock-shim/src/test/resources/airlock/protocol/FrameDecoderFuzzTestInputs/decodesOrRefuses,
# where the normal suite replays it from then on.
#
# Jazzer 0.24's instrumentation cannot read Java 25 class files, so the campaign compiles
# airlock-shim at release 21 (it uses nothing newer) to get coverage feedback from the decoder;
# the 10 s run inside the normal build runs on release-25 classes without it.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/find-jdk.sh
minutes=${1:-5}
end=$(( $(date +%s) + minutes * 60 ))
round=0
while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    echo "fuzz round $round"
    JAZZER_FUZZ=1 mvn -B -q -ntp -pl airlock-shim clean test -Dmaven.compiler.release=21 \
        -Dtest=FrameDecoderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
done
# leave release-25 classes behind for the normal build
mvn -B -q -ntp -pl airlock-shim clean compile >/dev/null
echo "fuzzed $round rounds; corpus: $(ls airlock-shim/.cifuzz-corpus/*/* 2>/dev/null | wc -l) inputs"
