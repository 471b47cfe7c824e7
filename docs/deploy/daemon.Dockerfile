# The airlock daemon image: a jlinked JRE with the daemon's AOT cache, the tools the built-in
# modules run (git, ssh, bubblewrap, python3 with venv), a non-root user, the config directory and
# vault in the volume /data, the sockets in /data/sockets (mount a volume of its own there to share
# it with agents), a health check. The image holds no secret: the vault's master key is made in
# /data on first use. Built and run by scripts/deploy-test.sh; docs/deploy.md explains each flag.
#   mvn -B -ntp package -DskipTests          # from the airlock checkout: the jars below
#   docker build -f docs/deploy/daemon.Dockerfile -t airlock-daemon .
# Works with the classic builder and BuildKit. BASE_IMAGE: any Debian 12 (an offline base that
# already has the packages skips apt); JDK_IMAGE: a JDK 25 whose jlink is on PATH.
ARG BASE_IMAGE=debian:bookworm-slim
ARG JDK_IMAGE=eclipse-temurin:25-jdk
FROM ${JDK_IMAGE} AS jre
# The modules jdeps finds in the daemon and its libraries. Not --compress: classes the AOT
# cache does not hold are read from this image at start.
RUN jlink --add-modules java.base,java.sql,jdk.httpserver,jdk.security.auth,jdk.unsupported \
        --strip-java-debug-attributes --no-man-pages --no-header-files --output /opt/jre

FROM ${BASE_IMAGE}
RUN pkgs="git openssh-client bubblewrap python3 python3-venv ca-certificates"; \
    if ! dpkg -s $pkgs >/dev/null 2>&1; then \
        apt-get update && apt-get install -y --no-install-recommends $pkgs && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --create-home --uid 1000 --user-group --shell /bin/sh airlock \
 && mkdir -p /data/sockets /workspace /opt/airlock-aot \
 && chown airlock:airlock /data /data/sockets /workspace \
 && chmod 0700 /data /data/sockets
COPY --from=jre /opt/jre /opt/jre
COPY airlock-daemon/target/airlock-daemon-*.jar /opt/airlock/airlock-daemon.jar
COPY airlock-daemon/target/lib/ /opt/airlock/lib/
COPY docs/deploy/bin/airlock /usr/local/bin/airlock
# LC_ALL: the JVM encodes the tools' argv and paths with the locale's charset (UTF-8, or 'café' reaches git as 'caf?').
ENV LC_ALL=C.UTF-8
# Training (as root, so the cache is read-only to the daemon's user): a daemon on a throwaway config in /tmp answers the shim's usual calls (git status, log,
# a failure, stdin, a refusal), then stops on SIGTERM, when the JVM writes the cache. Same flags
# as the launcher, or the JVM ignores the cache. The throwaway config (and its vault key) goes.
RUN set -e; t=$(mktemp -d); mkdir -p "$t/c/profiles" "$t/w"; \
    printf '[commands]\nenable = ["git"]\n' > "$t/c/config.toml"; \
    printf 'commands = []\n[mounts]\n"%s" = "%s"\n' "$t/w" "$t/w" > "$t/c/profiles/default.toml"; \
    AIRLOCK_AOT_OUTPUT=/opt/airlock-aot/airlock.aot /usr/local/bin/airlock start --config "$t/c" > "$t/daemon.log" 2>&1 & pid=$!; \
    i=0; while [ ! -S "$t/c/sockets/default.sock" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; \
    (cd "$t/w" && AIRLOCK_SOCKET="$t/c/sockets/default.sock" /opt/jre/bin/java -Dairlock.argv0=/usr/bin/git \
        -cp "$(ls /opt/airlock/lib/airlock-shim-*.jar)" airlock.shim.AotTraining > "$t/train.log" 2>&1) || { cat "$t/daemon.log" "$t/train.log"; exit 1; }; \
    /usr/local/bin/airlock --version > /dev/null; \
    kill -TERM $pid; wait $pid || true; rm -rf "$t"; test -s /opt/airlock-aot/airlock.aot
USER airlock
# AIRLOCK_CONFIG: every verb's config directory, so `docker exec C airlock secret list` needs no --config.
ENV AIRLOCK_CONFIG=/data
VOLUME ["/data"]
WORKDIR /data
EXPOSE 9090
# Healthy when the daemon answers on its control socket (a JVM per check, with the AOT cache).
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["airlock", "approvals"]
ENTRYPOINT ["/usr/local/bin/airlock"]
CMD ["start"]
