package airlock.rules;

import java.util.List;

/**
 * {@code [sandbox]} of a module: the tool runs inside bubblewrap (see docs/sandbox.md). A limit of
 * 0 means none. The system is read-only, /tmp is private, the host home is an empty tmpfs but for
 * the files listed in {@code read}, and the daemon's config directory (sockets, vault) is never
 * visible.
 *
 * @param network    false: a new, empty network namespace (not even loopback reaches the host);
 *                   true: a network namespace of its own with user-mode networking (pasta) that
 *                   reaches outside but not the host's loopback, where the daemon can make one
 * @param read       files under the host home ({@code ~/...}) bound read-only into the sandbox
 * @param writable   the cwd's mount is read-write (other mounts are always read-only)
 * @param timeoutSeconds wall-clock limit; the whole process tree is killed when it passes
 * @param memoryMb   address-space / memory limit per run
 * @param processes  processes (and threads) the run may have at once
 * @param outputMb   stdout plus stderr; the rest is cut with a marker line and the tree killed
 * @param venv       the profile's Python virtual environment kept by the daemon: NONE, USE (run its
 *                   python, read-only) or INSTALL (run its pip, read-write; the installs are kept)
 * @param hostNetwork {@code host_network = true}: the host's own network namespace, its loopback
 *                   services included (an explicit opt-in; implies {@code network})
 */
public record SandboxSpec(boolean network, List<String> read, boolean writable, long timeoutSeconds,
                          long memoryMb, long processes, long outputMb, Venv venv, boolean hostNetwork) {
    public SandboxSpec {
        read = List.copyOf(read);
        venv = venv == null ? Venv.NONE : venv;
        network = network || hostNetwork;
    }

    public SandboxSpec(boolean network, List<String> read, boolean writable, long timeoutSeconds,
                       long memoryMb, long processes, long outputMb, Venv venv) {
        this(network, read, writable, timeoutSeconds, memoryMb, processes, outputMb, venv, false);
    }

    public SandboxSpec(boolean network, List<String> read, boolean writable, long timeoutSeconds,
                       long memoryMb, long processes, long outputMb) {
        this(network, read, writable, timeoutSeconds, memoryMb, processes, outputMb, Venv.NONE);
    }

    public enum Venv { NONE, USE, INSTALL }
}
