#!/bin/sh
# Installs airlock: PREFIX/bin/airlock (daemon + CLI), PREFIX/bin/airlock-shim (the in-container
# client) and their jars under PREFIX/lib/airlock/.
#
#   ./install.sh                    inside a checkout: build with Maven, then install into ~/.local
#   ./install.sh --prefix DIR       install into DIR/bin and DIR/lib/airlock
#   ./install.sh --no-build         reuse the jars already built in target/ (no Maven run)
#   ./install.sh --uninstall        remove exactly the files a previous install wrote
#   curl -fsSL .../install.sh | sh -s -- --version 0.1.0
#                                   outside a checkout: download that release, verify its SHA-256
#                                   and, with cosign or gh, its signature
#
# Also man pages (PREFIX/share/man/man1) and bash, zsh and fish completions (PREFIX/share/...).
# Every file written is listed in PREFIX/lib/airlock/INSTALLED; --uninstall removes those and
# nothing else (never your configuration in ~/.config/airlock).
set -eu

PREFIX="${HOME}/.local"
BUILD=1
UNINSTALL=0
NATIVE=auto
VERSION=""
RELEASE_BASE="${AIRLOCK_RELEASE_BASE:-https://github.com/airlock/airlock/releases/download}"

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,15s/^# \{0,1\}//p' "$0" 2>/dev/null || true
    cat <<'EOF'
Options: --prefix DIR, --no-build, --no-native, --uninstall, --version V (release download), --help
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
        --prefix=*) PREFIX=${1#--prefix=}; shift ;;
        --no-build) BUILD=0; shift ;;
        --no-native) NATIVE=no; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        --version) [ $# -ge 2 ] || die "--version needs a release number"; VERSION=$2; shift 2 ;;
        --version=*) VERSION=${1#--version=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

case "$PREFIX" in
    /*) ;;
    *) PREFIX="$(pwd)/$PREFIX" ;;
esac
BIN="$PREFIX/bin"
LIB="$PREFIX/lib/airlock"
MANIFEST="$LIB/INSTALLED"

# ---------------------------------------------------------------- uninstall
# Removes only what the manifest lists, then the directories we created if they are empty.
remove_installed() {
    [ -f "$MANIFEST" ] || return 0
    # Lines ending in / are directories this script created: removed after the files, deepest
    # first, and only when empty.
    dirs=$(grep '/$' "$MANIFEST" | sort -r || true)
    while IFS= read -r f; do
        case "$f" in
            */) ;;
            "$PREFIX"/*) rm -f "$f" ;;
            *) say "skipping '$f' in the manifest: outside $PREFIX" ;;
        esac
    done < "$MANIFEST"
    printf '%s\n' "$dirs" | while IFS= read -r d; do
        case "$d" in "$PREFIX"/*) rmdir "$d" 2>/dev/null || true ;; esac
    done
    rm -f "$MANIFEST"
    rmdir "$LIB" 2>/dev/null || true
}

if [ "$UNINSTALL" = 1 ]; then
    [ -f "$MANIFEST" ] || die "nothing to uninstall: no $MANIFEST"
    remove_installed
    say "removed airlock from $PREFIX (your configuration in ~/.config/airlock is untouched)"
    exit 0
fi

# ---------------------------------------------------------------- JDK 25
jdk_version() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
find_jdk() {
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
        /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        v=$(jdk_version "$candidate")
        case "$v" in 2[5-9]|[3-9][0-9]) echo "$candidate"; return 0 ;; esac
    done
    return 1
}
if ! JDK=$(find_jdk); then
    die "no JDK 25 found (looked at \$JAVA_HOME, /usr/lib/jvm/*, /Library/Java/JavaVirtualMachines/*).
install.sh: install one (Debian: a Temurin 25 package; macOS: brew install --cask temurin) and set JAVA_HOME to it."
fi
JAVA="$JDK/bin/java"

# ---------------------------------------------------------------- where the jars come from
# STAGE holds airlock-daemon.jar, lib/*.jar, airlock-shim.jar and maybe airlock-shim-native.
HERE=$(cd "$(dirname "$0")" 2>/dev/null && pwd -P || pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/airlock-install.XXXXXX")
DAEMON_PID=""
cleanup() {
    if [ -n "$DAEMON_PID" ]; then kill "$DAEMON_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

sha256_check() { # file expected
    if command -v sha256sum >/dev/null 2>&1; then got=$(sha256sum "$1" | cut -d' ' -f1)
    elif command -v shasum >/dev/null 2>&1; then got=$(shasum -a 256 "$1" | cut -d' ' -f1)
    else die "need sha256sum or shasum to verify the download"; fi
    [ "$got" = "$2" ] || die "checksum mismatch for $(basename "$1"): expected $2, got $got. Not installing."
}

# The checksum catches a broken download, not a tampered release: SHA256SUMS comes from the same
# place as the tarball. A signature does: release.yml signs the tarball keylessly with cosign (its
# certificate names the workflow and the tag, and the signing is in the public Rekor log) and
# attests its build provenance. Verified when cosign, or a logged-in gh, is here; a failure (or
# cosign with no bundle to check) refuses the install; without either tool it says so.
REPO_SLUG=airlock/airlock
verify_signature() { # file
    name=$(basename "$1")
    if command -v cosign >/dev/null 2>&1; then
        curl -fsSL -o "$1.sigstore.json" "$RELEASE_BASE/v$VERSION/$name.sigstore.json" \
            || die "cosign is installed but release $VERSION has no signature bundle $name.sigstore.json. Not installing."
        cosign verify-blob --bundle "$1.sigstore.json" \
            --certificate-identity "https://github.com/$REPO_SLUG/.github/workflows/release.yml@refs/tags/v$VERSION" \
            --certificate-oidc-issuer https://token.actions.githubusercontent.com "$1" >&2 \
            || die "the signature of $name does not verify (cosign verify-blob): it was not signed by $REPO_SLUG's release workflow for v$VERSION. Not installing."
        say "signature verified with cosign: $name was signed by $REPO_SLUG's release workflow for v$VERSION"
    elif command -v gh >/dev/null 2>&1 && gh auth status >/dev/null 2>&1; then
        gh attestation verify "$1" --repo "$REPO_SLUG" >&2 \
            || die "the build provenance of $name does not verify (gh attestation verify). Not installing."
        say "build provenance verified with gh attestation verify: $name was built by $REPO_SLUG's workflow"
    else
        say "only the SHA-256 checksum was checked (SHA256SUMS comes from the same place as the download: it catches a broken download, not a tampered release). Install cosign (or log in to gh) to verify the signature too."
    fi
}

if [ -f "$HERE/pom.xml" ] && [ -d "$HERE/airlock-shim" ] && [ -z "$VERSION" ]; then
    if [ "$BUILD" = 1 ]; then
        # a Maven of your own if there is one; else the wrapper's, pinned by checksum in .mvn/wrapper
        if command -v mvn >/dev/null 2>&1; then mvn=mvn; else mvn="$HERE/mvnw"; fi
        say "building with Maven (JDK $JDK, $mvn)..."
        (cd "$HERE" && JAVA_HOME="$JDK" "$mvn" -B -q -ntp package -DskipTests) || die "the Maven build failed (see above)"
    fi
    daemon_jar=$(ls "$HERE"/airlock-daemon/target/airlock-daemon-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n 1 || true)
    shim_jar=$(ls "$HERE"/airlock-shim/target/airlock-shim-*.jar 2>/dev/null | grep -v -e sources -e javadoc -e tests | head -n 1 || true)
    [ -n "$daemon_jar" ] && [ -n "$shim_jar" ] && [ -d "$HERE/airlock-daemon/target/lib" ] \
        || die "no built jars in target/: run without --no-build (or 'mvn package' first)"
    STAGE="$WORK/stage"
    mkdir -p "$STAGE/lib"
    cp "$daemon_jar" "$STAGE/airlock-daemon.jar"
    cp "$shim_jar" "$STAGE/airlock-shim.jar"
    cp "$HERE"/airlock-daemon/target/lib/*.jar "$STAGE/lib/"
else
    # Piped from curl, or --version given: fetch a release and check it against SHA256SUMS.
    [ -n "$VERSION" ] || die "not inside an airlock checkout: say which release to install with --version X.Y.Z"
    command -v curl >/dev/null 2>&1 || die "curl is needed to download release $VERSION"
    tarball="airlock-$VERSION.tar.gz"
    say "downloading $RELEASE_BASE/v$VERSION/$tarball"
    curl -fsSL -o "$WORK/$tarball" "$RELEASE_BASE/v$VERSION/$tarball" || die "download failed"
    curl -fsSL -o "$WORK/SHA256SUMS" "$RELEASE_BASE/v$VERSION/SHA256SUMS" || die "download of SHA256SUMS failed"
    expected=$(awk -v f="$tarball" '$2 == f || $2 == "*" f { print $1 }' "$WORK/SHA256SUMS")
    [ -n "$expected" ] || die "SHA256SUMS does not list $tarball"
    sha256_check "$WORK/$tarball" "$expected"
    verify_signature "$WORK/$tarball"
    (cd "$WORK" && tar xzf "$tarball")
    STAGE="$WORK/airlock-$VERSION"
    arch=$(uname -m); case "$arch" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; esac
    os=$(uname -s | tr 'A-Z' 'a-z')
    if [ -f "$WORK/airlock-$VERSION/native/airlock-shim-$os-$arch" ]; then
        cp "$WORK/airlock-$VERSION/native/airlock-shim-$os-$arch" "$STAGE/airlock-shim-native"
    fi
fi

# ---------------------------------------------------------------- install
# Idempotent: the previous install's files go first, so a re-run leaves no stale jar behind.
remove_installed
: > "$WORK/manifest"
for d in "$PREFIX" "$BIN" "$PREFIX/lib" "$LIB" "$LIB/lib"; do
    if [ ! -d "$d" ]; then mkdir -p "$d" && echo "$d/" >> "$WORK/manifest"; fi
done
put() { # src dest [mode]
    cp "$1" "$2.tmp.$$" && chmod "${3:-644}" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
    echo "$2" >> "$WORK/manifest"
}
put "$STAGE/airlock-daemon.jar" "$LIB/airlock-daemon.jar"
put "$STAGE/airlock-shim.jar" "$LIB/airlock-shim.jar"
for j in "$STAGE"/lib/*.jar; do put "$j" "$LIB/lib/$(basename "$j")"; done

# Both launchers resolve their own symlinks (git -> airlock-shim) to find lib/airlock, so the
# install can be moved or linked from anywhere. The JDK found now is the default; AIRLOCK_JAVA
# overrides it. sq: a path as a single-quoted shell word, whatever it holds.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
# The part both launchers share: where lib/airlock is, and which java (NAME: the launcher's own name).
launcher_head() {
cat <<EOF
self=\$0
case \$self in */*) ;; *) self=./\$self ;; esac
# Needs only /bin/sh and readlink. Exit 125 is airlock's own failure (126: refused, 127: unknown
# command), so a broken launcher never reads as a tool's answer.
# Where install.sh put it, when this is that file (test -ef follows links: no readlink process,
# 5-7 ms of every call); otherwise (the install moved, or mounted elsewhere in a container) the
# links are resolved one by one.
if [ "\$self" -ef $(sq "$BIN/$1") ] 2>/dev/null; then
    lib=$(sq "$LIB")
else
    while [ -L "\$self" ]; do
        link=\$(readlink "\$self") || { echo "airlock: cannot resolve the link \$self: this launcher needs readlink" >&2; exit 125; }
        case \$link in /*) self=\$link ;; *) self=\${self%/*}/\$link ;; esac
    done
    lib=\${self%/*}/../lib/airlock
fi
java=\${AIRLOCK_JAVA:-$JAVA}
case \$java in */*) ;; *) java=\$(command -v "\$java" 2>/dev/null || echo "\$java") ;; esac
if [ ! -f "\$java" ] || [ ! -x "\$java" ]; then
    echo "airlock: no Java runtime at \$java (the JVM launcher needs a Java 25: install one, or set AIRLOCK_JAVA to its bin/java; in an image, the native shim needs none)" >&2
    exit 125
fi
EOF
}
cat > "$WORK/airlock" <<EOF
#!/bin/sh
# airlock launcher (written by install.sh)
$(launcher_head airlock)
# Serial GC and a bounded heap: an idle daemon otherwise keeps a few hundred MiB of garbage
# (bench/run.sh: 452 MiB RSS after 10,000 sessions with the defaults). AIRLOCK_JAVA_OPTS comes
# last and wins. A UTF-8 locale for the JVM itself: it encodes the tools' argv, cwd and
# environment with the locale's charset (sun.jnu.encoding, which no -D can set), and without
# LANG (a service, env -i) that is ASCII and a caller's 'café' would reach git as 'caf?'. Tools
# never see LC_ALL: their environment is built from scratch (LANG passes, LC_ALL does not).
LC_ALL=C.UTF-8
export LC_ALL
exec "\$java" --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseSerialGC -Xmx256m \${AIRLOCK_JAVA_OPTS:-} \\
    -cp "\$lib/airlock-daemon.jar:\$lib/lib/*" airlock.cli.Airlock "\$@"
EOF
put "$WORK/airlock" "$BIN/airlock" 755

# The shim's start-up is paid on every call: the interpreter only (-Xint: a call runs for tens of
# milliseconds and its bytes are copied by native code, so C1's compile threads cost more CPU than
# they save: bench/run.sh, docs/performance.md), serial GC and the AOT cache trained at install
# time. argv[0] (the symlink's name) is the command, so it is passed on as a property.
# Nothing of the JVM's own may reach the tool's output: no hsperfdata file (its warning when /tmp
# is shared), and no VM output (Ctrl-\ would print a thread dump into stdout; a JVM cannot hand
# SIGQUIT to Java code, so the JVM shim ignores it and the native shim forwards it).
cat > "$WORK/airlock-shim" <<EOF
#!/bin/sh
# airlock-shim launcher (written by install.sh). Link it as git, terraform, ...
$(launcher_head airlock-shim)
if [ -f "\$lib/airlock-shim.aot" ] && [ -z "\${AIRLOCK_NO_AOT:-}" ]; then
    exec "\$java" -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:AOTCache="\$lib/airlock-shim.aot" \\
        -Dairlock.argv0="\$0" -cp "\$lib/airlock-shim.jar" airlock.shim.Shim "\$@"
fi
exec "\$java" -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \\
    -Dairlock.argv0="\$0" -cp "\$lib/airlock-shim.jar" airlock.shim.Shim "\$@"
EOF

# ---------------------------------------------------------------- AOT cache (JDK 25)
# The training run should load what a real call loads: socket, frames, streaming, a failing call,
# a refused one, stdin. So airlock.shim.AotTraining runs the calls agents make (git status, git
# log, a failing rev-parse, hash-object on stdin, a command that is not enabled) in one JVM
# through a throwaway daemon on a throwaway config; if that cannot start (no git on the host,
# say), it trains on 'airlock-shim --version' alone.
train_dir="$WORK/train"
mkdir -p "$train_dir/config/profiles" "$train_dir/work"
printf '[commands]\nenable = ["git"]\n' > "$train_dir/config/config.toml"
printf 'commands = []\n[mounts]\n"%s" = "%s"\n' "$train_dir/work" "$train_dir/work" > "$train_dir/config/profiles/default.toml"
sock="$train_dir/config/sockets/default.sock"
"$BIN/airlock" start --config "$train_dir/config" > "$train_dir/daemon.log" 2>&1 &
DAEMON_PID=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ] && kill -0 "$DAEMON_PID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
train_shim() { # argv0 main-class args...
    argv0=$1; main=$2; shift 2
    (cd "$train_dir/work" && AIRLOCK_SOCKET="$sock" "$JAVA" -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
        -XX:AOTCacheOutput="$LIB/airlock-shim.aot" -Dairlock.argv0="$argv0" -cp "$LIB/airlock-shim.jar" \
        "$main" "$@") < /dev/null > "$train_dir/train.log" 2>&1
}
if [ -S "$sock" ] && train_shim /usr/bin/git airlock.shim.AotTraining; then
    say "AOT cache trained on the calls agents make (git status, log, stdin, a failure, a refusal) through a throwaway daemon"
elif train_shim "$BIN/airlock-shim" airlock.shim.Shim --version; then
    say "AOT cache trained on 'airlock-shim --version' only (the throwaway daemon did not serve: $(tail -n 1 "$train_dir/daemon.log" 2>/dev/null))"
else
    say "warning: could not build the AOT cache; the shim works without it, only slower to start"
fi
kill "$DAEMON_PID" 2>/dev/null || true
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=""
if [ -f "$LIB/airlock-shim.aot" ]; then echo "$LIB/airlock-shim.aot" >> "$WORK/manifest"; fi

# ---------------------------------------------------------------- native shim (GraalVM)
if [ ! -f "${STAGE}/airlock-shim-native" ] && [ "$NATIVE" = auto ] && command -v native-image >/dev/null 2>&1; then
    say "native-image found: building the native shim (a minute or two)..."
    if native-image --no-fallback -O2 -cp "$STAGE/airlock-shim.jar" -o "$WORK/airlock-shim-native" \
        airlock.shim.Shim > "$WORK/native.log" 2>&1; then
        cp "$WORK/airlock-shim-native" "$STAGE/airlock-shim-native"
    else
        say "warning: native-image failed (log below); installing the JVM shim"; tail -n 20 "$WORK/native.log" >&2
    fi
fi
if [ -f "$STAGE/airlock-shim-native" ] && [ "$NATIVE" != no ]; then
    put "$STAGE/airlock-shim-native" "$BIN/airlock-shim" 755
    put "$WORK/airlock-shim" "$BIN/airlock-shim-jvm" 755
    shim_kind="native"
else
    put "$WORK/airlock-shim" "$BIN/airlock-shim" 755
    shim_kind="JVM"
fi

# ---------------------------------------------------------------- completions and man pages
# Generated by the installed airlock from its own command model, so they match this version.
# Where each shell looks under a prefix: bash-completion's, zsh's site-functions and fish's
# vendor_completions.d (~/.local/share/... for the default prefix, which each shell reads as a
# user's own data directory; zsh needs the folder on $fpath), and man's PREFIX/share/man.
SHARE="$PREFIX/share"
made_dirs() { # each missing folder, parents first, goes into the manifest (removed when empty)
    for d in "$@"; do
        if [ ! -d "$d" ]; then mkdir "$d" && echo "$d/" >> "$WORK/manifest"; fi
    done
}
made_dirs "$SHARE" "$SHARE/bash-completion" "$SHARE/bash-completion/completions" "$SHARE/zsh" "$SHARE/zsh/site-functions" \
    "$SHARE/fish" "$SHARE/fish/vendor_completions.d" "$SHARE/man" "$SHARE/man/man1"
"$BIN/airlock" completion bash > "$WORK/airlock.bash" \
    && "$BIN/airlock" completion zsh > "$WORK/_airlock" \
    && "$BIN/airlock" completion fish > "$WORK/airlock.fish" \
    || die "the installed airlock could not write its completions (see above)"
put "$WORK/airlock.bash" "$SHARE/bash-completion/completions/airlock"
put "$WORK/_airlock" "$SHARE/zsh/site-functions/_airlock"
put "$WORK/airlock.fish" "$SHARE/fish/vendor_completions.d/airlock.fish"
mkdir "$WORK/man"
"$BIN/airlock" man --dir "$WORK/man" > /dev/null || die "the installed airlock could not write its man pages (see above)"
for page in "$WORK"/man/*.1; do put "$page" "$SHARE/man/man1/$(basename "$page")"; done

cp "$WORK/manifest" "$MANIFEST"
echo "$MANIFEST" >> "$MANIFEST"

say "installed airlock ($shim_kind shim) into $PREFIX:"
say "  $BIN/airlock        daemon and CLI"
say "  $BIN/airlock-shim   the in-container client (link it as git, terraform, ...)"
say "  $SHARE/man/man1/airlock*.1 and completions for bash, zsh and fish under $SHARE"
case ":${PATH}:" in
    *":$BIN:"*) ;;
    *) say "note: $BIN is not on your PATH; add it, or call $BIN/airlock directly" ;;
esac
