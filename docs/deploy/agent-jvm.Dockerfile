# syntax=docker/dockerfile:1
# The JVM shim in an agent image, for those without GraalVM: a jlinked JRE (java.base and
# jdk.unsupported, for sun.misc.Signal) and the shim's AOT cache trained in the image, where the
# JRE and jar it is valid for are. Without the cache a call costs about 1.6 times as much
# (docs/performance.md).
#   mvn -B -ntp -pl airlock-shim package -DskipTests               # from the airlock checkout
#   docker build -f docs/deploy/agent-jvm.Dockerfile -t my-agent .
# bench/container.sh replays this file's jlink RUN, launcher block and training RUN on an imported
# image to measure it (docs/performance.md, "The container figure"): keep their shape.
FROM eclipse-temurin:25-jdk AS jre
# Not --compress: classes the cache does not hold are read from this image at every call.
RUN jlink --add-modules java.base,jdk.unsupported --strip-debug --no-man-pages --no-header-files --output /opt/jre

FROM debian:bookworm-slim
COPY --from=jre /opt/jre /opt/jre
COPY airlock-shim/target/airlock-shim-*.jar /usr/local/lib/airlock/airlock-shim.jar
# The launcher install.sh writes, with this image's paths: the interpreter only, serial GC, the
# AOT cache, no hsperfdata file, no VM output into the tool's stdout.
COPY --chmod=755 <<'SH' /usr/local/bin/airlock-shim
#!/bin/sh
lib=/usr/local/lib/airlock
exec /opt/jre/bin/java -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
    -XX:AOTCache=$lib/airlock-shim.aot -Dairlock.argv0="$0" -cp $lib/airlock-shim.jar airlock.shim.Shim "$@"
SH
# Training: the calls agents make (status, log, a failure, stdin, a refusal), answered by the
# trainer itself on a socket of its own, since no daemon is reachable during a build. The same
# flags as the launcher: a cache is only used by a JVM started like the one that trained it.
RUN /opt/jre/bin/java -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
        -XX:AOTCacheOutput=/usr/local/lib/airlock/airlock-shim.aot -cp /usr/local/lib/airlock/airlock-shim.jar \
        airlock.shim.AotTraining --self-contained > /dev/null \
 && test -s /usr/local/lib/airlock/airlock-shim.aot
# Busybox pattern: the shim reads its command name from argv[0].
RUN for tool in git terraform aws kubectl; do ln -s airlock-shim /usr/local/bin/$tool; done
RUN useradd --create-home --uid 1000 agent
USER agent
WORKDIR /workspace
