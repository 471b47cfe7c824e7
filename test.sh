#!/bin/sh
# Runs the whole test suite. Finds a JDK 25 itself (JAVA_HOME, then the usual places).
set -eu
cd "$(dirname "$0")"
. ./scripts/find-jdk.sh
exec mvn -B -ntp verify "$@"
