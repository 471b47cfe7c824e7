#!/bin/sh
# Longer fuzzing campaign for the policy engine: module loading (TOML -> CommandModule, line
# numbers) and argument normalization/judging. Repeats the 10 s Jazzer runs of RulesFuzzTest
# for MINUTES minutes (default 5), keeping the corpus between rounds in airlock-rules/.cifuzz-corpus.
# A crash fails the run and leaves its input in
# airlock-rules/src/test/resources/airlock/rules/RulesFuzzTestInputs/<target>/, where the normal
# suite (regression mode) replays it from then on.
#
# Jazzer 0.24's bytecode instrumentation cannot read Java 25 class files (major version 69), so
# the campaign compiles airlock-rules at release 21 (the rules use nothing newer); at release 25
# the fuzzer would run blind, without coverage feedback from our classes.
set -eu
cd "$(dirname "$0")/.."
. ./scripts/find-jdk.sh
minutes=${1:-5}
end=$(( $(date +%s) + minutes * 60 ))
round=0
while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    # Jazzer fuzzes one target per run: alternate between them
    if [ $((round % 2)) -eq 1 ]; then target=loadsOrRejectsAnyModule; else target=judgesAnyArgv; fi
    echo "fuzz round $round: $target"
    JAZZER_FUZZ=1 mvn -B -q -ntp -pl airlock-rules clean test -Dmaven.compiler.release=21 \
        "-Dtest=RulesFuzzTest#$target" -Dsurefire.failIfNoSpecifiedTests=false
done
# leave release-25 classes behind for the normal build
mvn -B -q -ntp -pl airlock-rules clean compile >/dev/null
echo "fuzzed $round rounds; corpus: $(ls airlock-rules/.cifuzz-corpus/*/*/* 2>/dev/null | wc -l) inputs"
