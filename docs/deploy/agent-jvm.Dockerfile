# The JVM shim in an agent image, for those without GraalVM: a jlinked JRE (java.base and
# jdk.unsupported, for sun.misc.Signal) and the shim's AOT cache trained in the image, where the
# JRE and jar it is valid for are. Without the cache a call costs about 1.6 times as much
# (docs/performance.md).
#   mvn -B -ntp -pl airlock-shim package -DskipTests               # from the airlock checkout
#   docker build -f docs/deploy/agent-jvm.Dockerfile -t my-agent .
# Works with the classic builder and BuildKit; scripts/deploy-test.sh builds it on an offline
# Debian base (BASE_IMAGE) and a JDK image of its own (JDK_IMAGE: a JDK 25 whose jlink is on PATH).
# bench/container.sh replays this file's jlink RUN, its launcher (bin/airlock-shim) and training
# RUN on an imported image to measure it (docs/performance.md, "The container figure"): keep their shape.
ARG BASE_IMAGE=debian:bookworm-slim
ARG JDK_IMAGE=eclipse-temurin:25-jdk
FROM ${JDK_IMAGE} AS jre
# Not --compress: classes the cache does not hold are read from this image at every call.
RUN jlink --add-modules java.base,jdk.unsupported --strip-java-debug-attributes --no-man-pages --no-header-files --output /opt/jre

FROM ${BASE_IMAGE}
COPY --from=jre /opt/jre /opt/jre
COPY airlock-shim/target/airlock-shim-*.jar /usr/local/lib/airlock/airlock-shim.jar
# The launcher install.sh writes, with this image's paths (docs/deploy/bin/airlock-shim).
COPY docs/deploy/bin/airlock-shim /usr/local/bin/airlock-shim
# Training: the calls agents make (status, log, a failure, stdin, a refusal), answered by the
# trainer itself on a socket of its own, since no daemon is reachable during a build. The same
# flags as the launcher: a cache is only used by a JVM started like the one that trained it.
RUN /opt/jre/bin/java -Xint -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
        -XX:AOTCacheOutput=/usr/local/lib/airlock/airlock-shim.aot -cp /usr/local/lib/airlock/airlock-shim.jar \
        airlock.shim.AotTraining --self-contained > /dev/null \
 && test -s /usr/local/lib/airlock/airlock-shim.aot
# Busybox pattern: the shim reads its command name from argv[0].
RUN for tool in git python3 pip terraform aws kubectl; do ln -s airlock-shim /usr/local/bin/$tool; done
RUN useradd --create-home --uid 1000 agent && mkdir -p /workspace && chown agent:agent /workspace
USER agent
WORKDIR /workspace
