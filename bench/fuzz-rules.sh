#!/bin/sh
# Longer fuzzing campaign for the policy engine: module loading (TOML -> CommandModule, line
# numbers) and argument normalization/judging. Repeats the 10 s Jazzer runs of RulesFuzzTest
# for MINUTES minutes (default 5), keeping the corpus between rounds in airlock-rules/.cifuzz-corpus.
# A crash fails the run and leaves its input in
# airlock-rules/src/test/resources/airlock/rules/RulesFuzzTestInputs/<target>/, where the normal
# suite (regression mode) replays it from then on.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/find-jdk.sh
minutes=${1:-5}
end=$(( $(date +%s) + minutes * 60 ))
round=0
while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    echo "fuzz round $round"
    JAZZER_FUZZ=1 mvn -B -q -ntp -pl airlock-rules test -Dtest=RulesFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
done
echo "fuzzed $round rounds; corpus: $(ls airlock-rules/.cifuzz-corpus/*/* 2>/dev/null | wc -l) inputs"
