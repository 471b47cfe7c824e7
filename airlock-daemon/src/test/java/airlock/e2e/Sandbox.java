package airlock.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An isolated place where an agent runs: a Docker container or a bubblewrap sandbox. */
interface Sandbox extends AutoCloseable {
    String WORKSPACE = "/workspace";
    String SOCKET = "/run/docker-airlock.sock";

    /**
     * Runs {@code argv} inside: the profile's socket at /run/docker-airlock.sock, the workspace at
     * /workspace, the shim on PATH at /opt/airlock/bin, cwd {@code cwd}, and only {@code env} of
     * our own; {@code name} identifies the run for {@link #signal}.
     */
    ProcessBuilder command(Path socket, String cwd, List<String> argv, Map<String, String> env, String name);

    /** Delivers a signal to the shim's process inside a run started from {@link #command}. */
    void signal(String name, Process run, int signal) throws IOException, InterruptedException;

    /** Extra docker/bwrap arguments: run as this uid:gid. */
    default boolean supportsUser() {
        return false;
    }

    @Override
    default void close() {}
}
