#!/usr/bin/env bash
# scripts/native-shim.sh: build the native shim with any GraalVM for JDK 25, check it, and
# optionally run the end-to-end tests against it, as CI's native-shim job does.
#
#   scripts/native-shim.sh                 build airlock-shim/target/airlock-shim-native, run --version
#   scripts/native-shim.sh --static        the same, fully static against musl (as release.yml: runs
#                                          in scratch/Alpine/Debian images; needs GraalVM's musl toolchain)
#   scripts/native-shim.sh --test          then the whole suite (./test.sh) with every shim process
#                                          going through that binary (AIRLOCK_TEST_SHIM, ShimRunner)
#
# GraalVM is found at $GRAALVM_HOME, else $JAVA_HOME if it has native-image, else native-image on
# PATH. Get one with e.g. `sdk install java 25-graalce` (SDKMAN) or from
# https://github.com/graalvm/graalvm-ce-builds/releases. The JVM shim stays the default install
# and the tested one; `install.sh` installs the native shim instead whenever native-image is on
# PATH (or pass --no-native).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATIC=0
TEST=0
for a in "$@"; do
    case "$a" in
        --static) STATIC=1 ;;
        --test) TEST=1 ;;
        *) echo "scripts/native-shim.sh: unknown option $a" >&2; exit 2 ;;
    esac
done

graal=""
for home in "${GRAALVM_HOME:-}" "${JAVA_HOME:-}"; do
    if [ -n "$home" ] && [ -x "$home/bin/native-image" ]; then graal=$home; break; fi
done
if [ -z "$graal" ] && command -v native-image >/dev/null 2>&1; then
    graal=$(cd "$(dirname "$(readlink -f "$(command -v native-image)")")/.." && pwd)
fi
if [ -z "$graal" ]; then
    echo "scripts/native-shim.sh: no GraalVM found (GRAALVM_HOME, JAVA_HOME, native-image on PATH)." >&2
    echo "  Get GraalVM for JDK 25: 'sdk install java 25-graalce' or https://github.com/graalvm/graalvm-ce-builds/releases" >&2
    exit 2
fi
version=$("$graal/bin/java" -version 2>&1 | head -n 1)
case "$version" in *\"25*) ;; *) echo "scripts/native-shim.sh: $graal is not JDK 25 ($version)" >&2; exit 2 ;; esac

# JDK only, no dependencies, no reflection, no resources: plain javac is the whole build.
out="$ROOT/airlock-shim/target"
rm -rf "$out/native-classes"
mkdir -p "$out/native-classes"
"$graal/bin/javac" --release 25 -d "$out/native-classes" $(find "$ROOT/airlock-shim/src/main/java" -name '*.java')
args=(--no-fallback -O2)
[ "$STATIC" = 1 ] && args+=(--static --libc=musl)
echo "scripts/native-shim.sh: native-image ${args[*]} (a minute or two)" >&2
"$graal/bin/native-image" "${args[@]}" -cp "$out/native-classes" -o "$out/airlock-shim-native" airlock.shim.Shim
"$out/airlock-shim-native" --version
echo "scripts/native-shim.sh: built $out/airlock-shim-native" >&2

if [ "$TEST" = 1 ]; then
    # As CI's native-shim job: the whole suite, every test that runs the shim as a process going
    # through this binary, linked under the tool's name (AIRLOCK_TEST_SHIM, see ShimRunner). The
    # GraalVM is a JDK 25, so it builds and runs the rest as well.
    AIRLOCK_TEST_SHIM="$out/airlock-shim-native" JAVA_HOME="$graal" "$ROOT/test.sh"
fi
