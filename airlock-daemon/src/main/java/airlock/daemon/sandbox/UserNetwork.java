package airlock.daemon.sandbox;

import airlock.daemon.core.Executables;
import airlock.daemon.core.HostCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A network namespace of one run's own, with user-mode networking by pasta (Debian's passt): the
 * run reaches what the host reaches outside, but not the host's loopback. pasta would map the
 * gateway address to the host's loopback and forward ports the host listens on into the namespace
 * (and back); all of that is turned off, so 127.0.0.1 inside is the namespace's own and the host's
 * databases, admin endpoints and the console are out of reach. Made by a root daemon (a named
 * namespace, {@code ip netns}); the sandbox enters it with nsenter before bubblewrap starts.
 * Closing it deletes the namespace, and pasta, which watches it, ends.
 */
public final class UserNetwork implements AutoCloseable {
    /**
     * pasta's options: no port forwarded either way, the gateway not mapped to the host. It stays
     * root (--runas 0): as nobody it cannot enter a namespace the host's root made; it isolates
     * itself (its own namespaces, capabilities only for what it does, seccomp).
     */
    static final List<String> PASTA_OPTIONS = List.of("--config-net", "--quiet", "--runas", "0", "-t", "none", "-u", "none",
            "-T", "none", "-U", "none", "--no-map-gw");

    private final Path ip;
    private final String name;

    private UserNetwork(Path ip, String name) {
        this.ip = ip;
        this.name = name;
    }

    /** Where the namespace is, for {@code nsenter --net=}. */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** What enters the namespace and then execs the rest of the argv. */
    List<String> enter(Path nsenter) {
        return List.of(nsenter.toString(), "--net=" + path(), "--");
    }

    /** A fresh namespace with pasta attached; fails with what is missing. */
    static UserNetwork create(String path) throws SandboxUnavailable {
        Path ip = find("ip", path, "iproute2");
        Path pasta = find("pasta", path, "passt");
        UserNetwork n = new UserNetwork(ip, "airlock-" + UUID.randomUUID().toString().substring(0, 13));
        try {
            run(List.of(ip.toString(), "netns", "add", n.name));
            List<String> argv = new java.util.ArrayList<>(List.of(pasta.toString()));
            argv.addAll(PASTA_OPTIONS);
            argv.addAll(List.of("--netns", n.path().toString()));
            run(argv);
            return n;
        } catch (IOException e) {
            n.close();
            throw new SandboxUnavailable("airlock: refused by the sandbox layer: [sandbox] network = true needs a network"
                    + " namespace of the run's own, which could not be made (" + e.getMessage() + "); 'airlock doctor' checks the"
                    + " host, and host_network = true is the explicit opt-in to the host's own network");
        }
    }

    static Path find(String tool, String path, String pkg) throws SandboxUnavailable {
        return Executables.find(tool, path).or(() -> Executables.find("/usr/bin/" + tool, null))
                .or(() -> Executables.find("/usr/sbin/" + tool, null)).or(() -> Executables.find("/sbin/" + tool, null))
                .orElseThrow(() -> new SandboxUnavailable("airlock: refused by the sandbox layer: [sandbox] network = true needs "
                        + tool + " (Debian: apt-get install " + pkg + ") for a network of the run's own that does not reach the"
                        + " host's loopback; host_network = true is the explicit opt-in to the host's own network"));
    }

    private static void run(List<String> argv) throws IOException {
        HostCommand.Output o = HostCommand.run(argv, Path.of("/"), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), HostCommand.DEADLINE_MS);
        if (o.status() != 0) {
            throw new IOException(argv.getFirst() + " exited " + o.status() + ": "
                    + (o.stderr() + new String(o.stdout(), StandardCharsets.UTF_8)).strip());
        }
    }

    @Override
    public void close() {
        try {
            run(List.of(ip.toString(), "netns", "delete", name));
        } catch (IOException e) {
            // already gone
        }
    }

    static Optional<Path> nsenter(String path) {
        return Executables.find("nsenter", path).or(() -> Executables.find("/usr/bin/nsenter", null));
    }
}
