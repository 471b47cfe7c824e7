package airlock.daemon.sandbox;

import airlock.daemon.core.Executables;
import airlock.daemon.core.HostCommand;
import airlock.rules.SandboxSpec;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A network namespace of one run's own, with user-mode networking by pasta (Debian's passt): the
 * run reaches what the host reaches outside, but not the host's loopback. pasta would map the
 * gateway address to the host's loopback and forward ports the host listens on into the namespace
 * (and back); all of that is turned off, so 127.0.0.1 inside is the namespace's own and the host's
 * databases, admin endpoints and the console are out of reach.
 *
 * <p>A root daemon makes a named namespace ({@code ip netns}); a daemon that is not root holds one
 * with a process of its own ({@code unshare --user --map-root-user --net}, whose user namespace
 * maps only the daemon's uid to its root) and pasta joins that. Either way nsenter enters it before
 * bubblewrap starts, and the tool never holds a capability over it: under a root daemon it is an
 * unprivileged uid of the host, under a user daemon it is in a user namespace nested below the
 * holder's (bubblewrap's own, {@code --disable-userns}), which gives no power over the holder's
 * network namespace.
 *
 * <p>With {@code network_allow} the namespace's own firewall (iptables-restore inside it, before
 * the tool starts) lets out only the listed destinations: names resolved here, at the start of
 * the run; everything else is refused at once (a TCP reset, an ICMP "administratively
 * prohibited"). Closing deletes the namespace, and pasta, which watches it, ends.
 */
public final class UserNetwork implements AutoCloseable {
    /**
     * pasta's options: no port forwarded either way, the gateway not mapped to the host. Under a
     * root daemon it stays root (--runas 0): as nobody it cannot enter a namespace the host's root
     * made; it isolates itself (its own namespaces, capabilities only for what it does, seccomp).
     */
    static final List<String> PASTA_OPTIONS = List.of("--config-net", "--quiet", "-t", "none", "-u", "none",
            "-T", "none", "-U", "none", "--no-map-gw");

    /** Where a user daemon's pasta opens the tap device: inside the namespace, as the daemon's user. */
    static final Path TUN = Path.of("/dev/net/tun");

    /** The namespace, as a root daemon names it or as a user daemon's holder process keeps it: a closed set. */
    private sealed interface Namespace {
        record Named(Path ip, String name) implements Namespace {}

        record Held(Process holder) implements Namespace {}
    }

    private final Namespace ns;
    private final int uid;
    private final int gid;

    private UserNetwork(Namespace ns, int uid, int gid) {
        this.ns = ns;
        this.uid = uid;
        this.gid = gid;
    }

    /** What enters the namespace and then execs the rest of the argv. */
    List<String> enter(Path nsenter) {
        return switch (ns) {
            case Namespace.Named n -> List.of(nsenter.toString(), "--net=" + Path.of("/run/netns", n.name()), "--");
            // --preserve-credentials: the holder's user namespace maps only the daemon's uid (to its
            // root); nsenter would otherwise call setgroups, which such a namespace denies
            case Namespace.Held h -> List.of(nsenter.toString(), "--user=/proc/" + h.holder().pid() + "/ns/user",
                    "--net=/proc/" + h.holder().pid() + "/ns/net", "--preserve-credentials", "--");
        };
    }

    /**
     * What bubblewrap adds for a user daemon's run: it starts as root of the holder's user
     * namespace, so the tool gets a user namespace of its own below it, as the daemon's uid, and
     * may make no further one. Empty under a root daemon (RunAs does that part).
     */
    List<String> bubblewrapOptions() {
        if (ns instanceof Namespace.Named) return List.of();
        // not "--unshare-user", "--disable-userns" side by side: that pair marks RunAs's inner bubblewrap (Launch.signalTarget)
        return List.of("--unshare-user", "--uid", Integer.toString(uid), "--gid", Integer.toString(gid), "--disable-userns");
    }

    /**
     * What this host lacks for {@code spec}'s network, each as the refusal a run would get; empty
     * when nothing is missing (or the spec needs no namespace of its own). Starts nothing: the
     * Gate asks it before a run, {@link #create} before making the namespace.
     */
    public static List<String> missing(SandboxSpec spec, String path) {
        if (!spec.network() || spec.hostNetwork()) return List.of();
        boolean root = isRoot();
        List<String> out = new ArrayList<>();
        tool("nsenter", path, "util-linux").ifPresent(out::add);
        tool("pasta", path, "passt").ifPresent(out::add);
        if (root) {
            tool("ip", path, "iproute2").ifPresent(out::add);
        } else {
            tool("unshare", path, "util-linux").ifPresent(out::add);
            // Debian's mode is 0666; a host (or a container) that keeps it to root leaves a user daemon no tap device
            if (!Files.isReadable(TUN) || !Files.isWritable(TUN)) {
                out.add(PREFIX + "[sandbox] network = true needs " + TUN + " open to the daemon's user for pasta, and it is not"
                        + " (Debian's default is mode 0666: chmod 0666 " + TUN + "); " + OPT_IN);
            }
        }
        if (!spec.networkAllow().isEmpty()) {
            tool("iptables-restore", path, "iptables").ifPresent(out::add);
            tool("ip6tables-restore", path, "iptables").ifPresent(out::add);
        }
        return out;
    }

    private static final String PREFIX = "airlock: refused by the sandbox layer: ";
    private static final String OPT_IN = "host_network = true is the explicit opt-in to the host's own network";

    private static Optional<String> tool(String tool, String path, String pkg) {
        if (find(tool, path).isPresent()) return Optional.empty();
        return Optional.of(PREFIX + "[sandbox] network = true needs " + tool + " (Debian: apt-get install " + pkg + ") for a"
                + " network of the run's own that does not reach the host's loopback" + (tool.contains("tables")
                ? " and lets out only [sandbox] network_allow" : "") + "; " + OPT_IN);
    }

    /** A fresh namespace with pasta attached and the allowlist in force; fails with what is missing. */
    static UserNetwork create(SandboxSpec spec, String path) throws SandboxUnavailable {
        List<String> missing = missing(spec, path);
        if (!missing.isEmpty()) throw new SandboxUnavailable(missing.getFirst());
        // resolved before anything is made: a name that does not resolve refuses the run
        List<InetAddress> allowed = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (SandboxSpec.Destination d : spec.networkAllow()) {
            try {
                for (InetAddress a : InetAddress.getAllByName(d.host())) {
                    allowed.add(a);
                    ports.add(d.port());
                }
            } catch (UnknownHostException e) {
                throw new SandboxUnavailable(PREFIX + "[sandbox] network_allow names " + d + ", and " + d.host()
                        + " does not resolve now (the daemon resolves the names when a run starts); nothing ran");
            }
        }
        UserNetwork n;
        try {
            n = isRoot() ? named(path) : held(path);
        } catch (IOException e) {
            throw new SandboxUnavailable(PREFIX + "[sandbox] network = true needs a network namespace of the run's own, which"
                    + " could not be made (" + e.getMessage() + "); 'airlock doctor' checks the host, and " + OPT_IN);
        }
        try {
            if (!spec.networkAllow().isEmpty()) n.allowOnly(allowed, ports, path);
            return n;
        } catch (IOException e) {
            n.close();
            throw new SandboxUnavailable(PREFIX + "[sandbox] network_allow could not be set in the run's network namespace ("
                    + e.getMessage() + "), so nothing ran");
        }
    }

    private static UserNetwork named(String path) throws IOException {
        Path ip = find("ip", path).orElseThrow();
        UserNetwork n = new UserNetwork(new Namespace.Named(ip, "airlock-" + UUID.randomUUID().toString().substring(0, 13)), 0, 0);
        try {
            String name = ((Namespace.Named) n.ns).name();
            run(List.of(ip.toString(), "netns", "add", name));
            List<String> argv = new ArrayList<>(List.of(find("pasta", path).orElseThrow().toString()));
            argv.addAll(PASTA_OPTIONS);
            argv.addAll(List.of("--runas", "0", "--netns", Path.of("/run/netns", name).toString()));
            run(argv);
            return n;
        } catch (IOException e) {
            n.close();
            throw e;
        }
    }

    /**
     * A user daemon's namespace: a holder process in a new user and network namespace, which reads
     * its stdin from the daemon, so it ends with the daemon even when the daemon is killed.
     */
    private static UserNetwork held(String path) throws IOException {
        Path unshare = find("unshare", path).orElseThrow();
        Process holder = new ProcessBuilder(unshare.toString(), "--user", "--map-root-user", "--net", "--",
                "/bin/sh", "-c", "echo ready && exec cat >/dev/null").redirectErrorStream(true).start();
        UserNetwork n = new UserNetwork(new Namespace.Held(holder), uid(), gid());
        try {
            String said = firstLine(holder.getInputStream());
            if (!said.equals("ready")) throw new IOException("unshare --user --net: " + said);
            List<String> argv = new ArrayList<>(List.of(find("pasta", path).orElseThrow().toString()));
            argv.addAll(PASTA_OPTIONS);
            argv.add(Long.toString(holder.pid()));
            run(argv);
            return n;
        } catch (IOException e) {
            n.close();
            throw e;
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n' && b.length() < 4096; c = in.read()) b.append((char) c);
        return b.toString().strip();
    }

    /**
     * The namespace's own firewall: out only to the allowed addresses and ports (TCP and UDP), to
     * its own loopback, and (IPv6) the neighbour discovery that reaching pasta's gateway needs.
     * Everything else is refused at once, so a script fails fast instead of waiting for a timeout.
     */
    private void allowOnly(List<InetAddress> addresses, List<Integer> ports, String path) throws IOException {
        for (boolean v6 : new boolean[] {false, true}) {
            Set<String> rules = new LinkedHashSet<>();
            rules.add("-A OUTPUT -o lo -j ACCEPT");
            if (v6) {
                for (String t : List.of("router-solicitation", "neighbour-solicitation", "neighbour-advertisement")) {
                    rules.add("-A OUTPUT -p ipv6-icmp --icmpv6-type " + t + " -j ACCEPT");
                }
            }
            for (int i = 0; i < addresses.size(); i++) {
                InetAddress a = addresses.get(i);
                if ((a instanceof Inet6Address) != v6) continue;
                String host = a.getHostAddress().replaceFirst("%.*$", "") + (v6 ? "/128" : "/32");
                for (String proto : List.of("tcp", "udp")) {
                    rules.add("-A OUTPUT -d " + host + " -p " + proto + " -m " + proto + " --dport " + ports.get(i) + " -j ACCEPT");
                }
            }
            rules.add("-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset");
            rules.add("-A OUTPUT -j REJECT --reject-with " + (v6 ? "icmp6-adm-prohibited" : "icmp-admin-prohibited"));
            String text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n" + String.join("\n", rules) + "\nCOMMIT\n";
            Path file = Files.createTempFile("airlock-netallow-", ".rules");
            try {
                Files.writeString(file, text);
                List<String> argv = new ArrayList<>(enter(find("nsenter", path).orElseThrow()));
                argv.addAll(List.of(find(v6 ? "ip6tables-restore" : "iptables-restore", path).orElseThrow().toString(), file.toString()));
                run(argv);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    static Optional<Path> find(String tool, String path) {
        return Executables.find(tool, path).or(() -> Executables.find("/usr/bin/" + tool, null))
                .or(() -> Executables.find("/usr/sbin/" + tool, null)).or(() -> Executables.find("/sbin/" + tool, null));
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
        switch (ns) {
            case Namespace.Named n -> {
                try {
                    run(List.of(n.ip().toString(), "netns", "delete", n.name()));
                } catch (IOException e) {
                    // already gone
                }
            }
            case Namespace.Held h -> {
                // the namespace goes with its last process; pasta, watching the holder, ends then
                h.holder().destroyForcibly();
                try {
                    h.holder().waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static Optional<Path> nsenter(String path) {
        return find("nsenter", path);
    }

    static boolean isRoot() {
        return uid() == 0;
    }

    private static int uid() {
        return attribute("unix:uid");
    }

    private static int gid() {
        return attribute("unix:gid");
    }

    private static int attribute(String name) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
