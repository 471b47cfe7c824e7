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
 * @param networkAllow {@code network_allow}: empty, the run's own network reaches every address
 *                   the host routes to; else only these destinations (with {@code network = true},
 *                   never with {@code host_network})
 */
public record SandboxSpec(boolean network, List<String> read, boolean writable, long timeoutSeconds,
                          long memoryMb, long processes, long outputMb, Venv venv, boolean hostNetwork,
                          List<Destination> networkAllow) {
    public SandboxSpec {
        read = List.copyOf(read);
        venv = venv == null ? Venv.NONE : venv;
        network = network || hostNetwork;
        networkAllow = networkAllow == null ? List.of() : List.copyOf(networkAllow);
    }

    public SandboxSpec(boolean network, List<String> read, boolean writable, long timeoutSeconds,
                       long memoryMb, long processes, long outputMb, Venv venv, boolean hostNetwork) {
        this(network, read, writable, timeoutSeconds, memoryMb, processes, outputMb, venv, hostNetwork, List.of());
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

    /**
     * One entry of {@code network_allow}: a host (a name, an IPv4 address, or an IPv6 address in
     * brackets) and one port. A name is resolved by the daemon when a run starts, so the run may
     * reach the addresses it had then.
     */
    public record Destination(String host, int port) {
        public Destination {
            // what goes into a firewall rule and a message: plain names and addresses only
            if (host == null || host.isEmpty() || host.length() > 253 || !host.matches("[A-Za-z0-9.:-]+")) {
                throw new IllegalArgumentException("not a host name or address");
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("the port must be 1 to 65535");
        }

        /** HOST:PORT or [IPV6]:PORT. */
        public static Destination parse(String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("write HOST:PORT (api.example.com:443, 10.0.0.5:5432, [2001:db8::1]:443)");
            }
            String host = s.substring(0, colon);
            String port = s.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
                if (!host.contains(":")) throw new IllegalArgumentException("brackets are for an IPv6 address only");
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("an IPv6 address goes in brackets: [2001:db8::1]:443");
            }
            if (!port.matches("[0-9]{1,5}")) throw new IllegalArgumentException("the port must be a number, 1 to 65535");
            return new Destination(host, Integer.parseInt(port));
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
