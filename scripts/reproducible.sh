#!/usr/bin/env bash
# scripts/reproducible.sh: builds airlock from a clean clone of HEAD and checks that the jars and
# the release tarball come out byte for byte the same as another build of the same commit.
#
#   scripts/reproducible.sh           two clean builds, compared (what a release reviewer runs)
#   scripts/reproducible.sh --once    one clean build, compared with this checkout's own target/
#                                     (what .ci/run runs after the suite built the checkout: half
#                                     the time, and it still fails on any difference)
#
# Prints the SHA-256 of every file compared; exits 1 naming the files that differ.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. scripts/find-jdk.sh
once=0
[ "${1:-}" = --once ] && once=1
work=$(mktemp -d /tmp/airlock-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(git describe --tags --always 2>/dev/null || echo dev)
export SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)

# the artifacts of one built tree, packed as a release: their checksums, one per line
artifacts() {
    local tree=$1 out=$2
    (cd "$tree" && DIST="$out/dist" scripts/package-release.sh "$version" >/dev/null)
    (cd "$out/dist" && sha256sum -- *.tar.gz *.jar) > "$out/sums"
    (cd "$tree" && sha256sum airlock-rules/target/airlock-rules-*.jar airlock-shim/target/airlock-shim-*.jar \
        airlock-daemon/target/airlock-daemon-*.jar) >> "$out/sums"
}

build() {
    local dir=$1
    git clone -q --no-hardlinks "$ROOT" "$dir/src"
    git -C "$dir/src" checkout -q "$(git rev-parse HEAD)"
    (cd "$dir/src" && mvn -B -ntp -q package -DskipTests -Djazzer.skip=true -pl airlock-rules,airlock-shim,airlock-daemon) >&2
    artifacts "$dir/src" "$dir"
}

mkdir -p "$work/a" "$work/b"
build "$work/a"
if [ "$once" = 1 ]; then
    [ -n "$(git status --porcelain --untracked-files=no)" ] && { echo "scripts/reproducible.sh --once: the checkout has changes; commit them or run without --once" >&2; exit 2; }
    artifacts "$ROOT" "$work/b"
else
    build "$work/b"
fi
cat "$work/a/sums"
if ! diff <(sort -k2 "$work/a/sums") <(sort -k2 "$work/b/sums") >&2; then
    echo "scripts/reproducible.sh: NOT reproducible: the lines above differ between two builds of $(git rev-parse --short HEAD)" >&2
    exit 1
fi
echo "scripts/reproducible.sh: reproducible: every jar and the tarball are identical in two builds of $(git rev-parse --short HEAD)"
