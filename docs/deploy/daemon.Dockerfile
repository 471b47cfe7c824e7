# The airlock daemon in a container (for compose.yml and the Kubernetes sidecar). The host tools it
# runs (git, ssh, terraform, aws, kubectl) must be installed in this image: they run here, with
# the credentials mounted here.
#   mvn -B package -DskipTests && docker build -f docs/deploy/daemon.Dockerfile -t airlock-daemon .
FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client \
 && rm -rf /var/lib/apt/lists/* \
 && (userdel -r ubuntu 2>/dev/null || true) \
 && useradd --create-home --uid 1000 airlock \
 && mkdir -p /etc/airlock && chown airlock:airlock /etc/airlock
COPY airlock-daemon/target/airlock-daemon-*.jar /opt/airlock/airlock-daemon.jar
COPY airlock-daemon/target/lib/ /opt/airlock/lib/
USER airlock
# the JVM encodes the tools' argv and paths with the locale's charset: UTF-8, or non-ASCII text is altered
ENV LC_ALL=C.UTF-8
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", "/opt/airlock/airlock-daemon.jar:/opt/airlock/lib/*", "airlock.cli.Airlock"]
CMD ["start", "--config", "/etc/airlock"]
