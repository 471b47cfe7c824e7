# An agent image that runs git, terraform, aws and kubectl through airlock: none of those tools nor
# any credential is inside the image, only the shim under each tool's name.
#   docker build -f Dockerfile.shim -t airlock-shim .            # once, from the airlock checkout
#   docker build -f docs/deploy/agent.Dockerfile -t my-agent .
#   docker run --rm -it --network none \
#     -v ~/.config/airlock/sockets/default.sock:/run/docker-airlock.sock \
#     -v ~/airlock-workspace:/workspace -w /workspace my-agent git status
FROM debian:bookworm-slim
COPY --from=airlock-shim /airlock-shim /usr/local/bin/airlock-shim
# Busybox pattern: the shim reads its command name from argv[0].
RUN for tool in git terraform aws kubectl; do ln -s airlock-shim /usr/local/bin/$tool; done
# Agents often run unprivileged: give the profile's socket this uid/gid ([socket] in the profile).
RUN useradd --create-home --uid 1000 agent
USER agent
WORKDIR /workspace
