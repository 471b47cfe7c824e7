# Sourced by test.sh and install.sh: sets JAVA_HOME to a JDK 25 or newer, or explains what is missing.
jdk_version() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
find_jdk() {
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
        /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
        v=$(jdk_version "$candidate")
        case "$v" in 2[5-9]|[3-9][0-9]) echo "$candidate"; return 0 ;; esac
    done
    return 1
}
if ! JAVA_HOME=$(find_jdk); then
    echo "airlock: no JDK 25 found (looked at \$JAVA_HOME, /usr/lib/jvm/*, /Library/Java/JavaVirtualMachines/*)." >&2
    echo "airlock: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
fi
export JAVA_HOME
PATH="$JAVA_HOME/bin:$PATH"
export PATH
