#!/bin/sh
# Packs a release from an already built checkout (mvn package) into dist/:
#   dist/airlock-VERSION.tar.gz   airlock-VERSION/{airlock-daemon.jar, airlock-shim.jar, lib/, native/, install.sh, LICENSE, README.md}
#   dist/airlock-shim-linux-*     the native shims found in NATIVE_DIR (optional), also loose for COPY/curl
#   dist/airlock-VERSION.cdx.json the CycloneDX SBOM, when built (mvn -P release package: target/bom.json)
#   dist/SHA256SUMS               over everything above; install.sh checks the tarball against it
# Usage: scripts/package-release.sh VERSION [NATIVE_DIR]     (DIST=DIR writes there instead of dist/)
set -eu
[ $# -ge 1 ] || { echo "usage: $0 VERSION [NATIVE_DIR]" >&2; exit 2; }
version=$1
native_dir=${2:-}
[ -z "$native_dir" ] || native_dir=$(cd "$native_dir" && pwd)
cd "$(dirname "$0")/.."
dist=${DIST:-dist}
daemon_jar=$(ls airlock-daemon/target/airlock-daemon-*.jar | head -n 1)
shim_jar=$(ls airlock-shim/target/airlock-shim-*.jar | grep -v -e sources -e javadoc -e tests | head -n 1)
[ -f "$daemon_jar" ] && [ -f "$shim_jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }

rm -rf "$dist"
stage="$dist/airlock-$version"
mkdir -p "$stage/lib" "$stage/native"
cp "$daemon_jar" "$stage/airlock-daemon.jar"
cp "$shim_jar" "$stage/airlock-shim.jar"
cp airlock-daemon/target/lib/*.jar "$stage/lib/"
cp install.sh LICENSE README.md "$stage/"
if [ -n "$native_dir" ]; then
    for f in "$native_dir"/airlock-shim-*; do
        [ -f "$f" ] || continue
        cp "$f" "$stage/native/"
        cp "$f" "$dist/"
        chmod 755 "$stage/native/$(basename "$f")" "$dist/$(basename "$f")"
    done
fi
# Reproducible: fixed order, owner, modes' base and times (SOURCE_DATE_EPOCH, else the last
# commit's time), and gzip without a name or time, so the checksum depends on the content only
# (scripts/reproducible.sh builds twice and compares).
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
(cd "$dist" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=gnu \
    -cf - "airlock-$version" | gzip -n -9 > "airlock-$version.tar.gz")
cp "$shim_jar" "$dist/airlock-shim-$version.jar"
cp "$daemon_jar" "$dist/airlock-daemon-$version.jar"
rm -rf "$stage"
if [ -f target/bom.json ]; then cp target/bom.json "$dist/airlock-$version.cdx.json"; fi
(cd "$dist" && sha256sum -- * > SHA256SUMS)
echo "$dist/:"
ls -l "$dist"
