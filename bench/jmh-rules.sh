#!/bin/sh
# JMH benchmark of the policy decision (airlock-rules/src/jmh/java/airlock/rules/DecisionBenchmark):
# a 20-argument command against a module of 50 rules. Extra arguments go to JMH, e.g.
#   bench/jmh-rules.sh -f 1 -wi 2 -i 3        (quicker)
#   bench/jmh-rules.sh decideAllowed          (one benchmark)
set -eu
cd "$(dirname "$0")/.."
. ./scripts/find-jdk.sh
mvn -B -q -ntp -Pjmh -pl airlock-rules test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
cd airlock-rules
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" \
    org.openjdk.jmh.Main airlock.rules.DecisionBenchmark "$@"
