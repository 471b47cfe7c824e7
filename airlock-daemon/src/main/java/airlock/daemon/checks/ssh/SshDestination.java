package airlock.daemon.checks.ssh;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.core.HostCommand;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ssh to the host itself is a shell on the host with the daemon's rights: {@code ssh localhost},
 * {@code ssh 127.1}, {@code ssh 2130706433}, {@code ssh 0}, the host's own name or one of its
 * interface addresses, or an alias in ~/.ssh/config that leads there. The destination is found
 * the way ssh finds it ({@code ssh -G}, which reads the user's config and connects nowhere), then
 * resolved, numeric forms read as inet_aton reads them (0177.0.0.1 is 127.0.0.1 to ssh).
 */
public final class SshDestination {
    private SshDestination() {}

    public static Decision check(Path ssh, List<String> args, Path cwd, Map<String, String> env) {
        List<String> g = new ArrayList<>();
        g.add("-G");
        g.addAll(args);
        HostCommand.Output out;
        try {
            out = HostCommand.run(ssh, g, cwd, env);
        } catch (IOException e) {
            return CheckInput.refuse("ssh", "destination", "could not read ssh's destination: " + e.getMessage());
        }
        String host = null;
        boolean proxied = false;
        for (String line : out.text().split("\n")) {
            if (line.startsWith("hostname ")) host = line.substring("hostname ".length()).strip();
            if ((line.startsWith("proxyjump ") || line.startsWith("proxycommand ")) && !line.endsWith(" none")) proxied = true;
        }
        if (out.status() != 0 || host == null) {
            // every refusal says why: ssh -G may fail without a word (no destination, an option it rejects)
            String said = out.stderr().strip().lines().findFirst().orElse("").strip(); // one line: usage text follows
            return CheckInput.refuse("ssh", "destination", "airlock reads the destination with 'ssh -G' (to refuse a"
                    + " connection back into this host), and ssh could not read this command line: "
                    + (said.isEmpty() ? "it exited " + out.status() + " and named no destination" : said),
                    "give a destination and only options ssh accepts: ssh [options] [user@]host [command]");
        }
        Optional<String> why = selfReference(host);
        if (why.isPresent()) {
            return CheckInput.refuse("ssh", "destination", "ssh to " + host + " re-enters the host (" + why.get() + ")");
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                Optional<String> w = local(a);
                if (w.isPresent()) return CheckInput.refuse("ssh", "destination", "ssh to " + host + " re-enters the host (" + w.get() + ")");
            }
        } catch (UnknownHostException e) {
            if (!proxied) return CheckInput.refuse("ssh", "destination", "cannot resolve " + host + ", so cannot tell it is not this host");
        }
        return Decision.allow(List.of());
    }

    /**
     * Why a host name (as written in a URL) is this host, resolving it when it can be resolved;
     * empty when it is another machine or unknown here (git's ssh may reach it through the user's
     * ssh config).
     */
    public static Optional<String> reentry(String host) {
        Optional<String> why = selfReference(host);
        if (why.isPresent()) return why;
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                Optional<String> w = local(a);
                if (w.isPresent()) return w;
            }
        } catch (UnknownHostException | SecurityException e) {
            // not resolvable here
        }
        return Optional.empty();
    }

    static Optional<String> selfReference(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.equals("localhost") || h.endsWith(".localhost") || h.isEmpty()) return Optional.of("a name of the loopback");
        try {
            String own = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            if (h.equals(own) || own.startsWith(h + ".") || h.startsWith(own + ".")) return Optional.of("the host's own name");
        } catch (UnknownHostException e) {
            // no name of our own to compare with
        }
        Optional<byte[]> numeric = inetAton(h);
        if (numeric.isPresent()) {
            try {
                return local(InetAddress.getByAddress(numeric.get()));
            } catch (UnknownHostException e) {
                return Optional.of("an address that cannot be read");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> local(InetAddress a) {
        if (a.isLoopbackAddress()) return Optional.of("loopback address " + a.getHostAddress());
        if (a.isAnyLocalAddress()) return Optional.of("wildcard address " + a.getHostAddress());
        if (ownAddresses().contains(a)) return Optional.of("an address of this host " + a.getHostAddress());
        return Optional.empty();
    }

    private static Set<InetAddress> ownAddresses() {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (var nics = NetworkInterface.getNetworkInterfaces(); nics != null && nics.hasMoreElements(); ) {
                nics.nextElement().getInetAddresses().asIterator().forEachRemaining(own::add);
            }
        } catch (SocketException e) {
            // none known
        }
        return own;
    }

    /** IPv4 the way inet_aton reads it: 1 to 4 parts, each decimal, 0x hex or 0 octal; the last part fills the rest. */
    static Optional<byte[]> inetAton(String s) {
        if (s.isEmpty() || !s.matches("[0-9a-fx.]+") || s.endsWith(".")) return Optional.empty();
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) return Optional.empty();
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                if (p.startsWith("0x")) v[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                else if (p.startsWith("0") && p.length() > 1) v[i] = Long.parseLong(p.substring(1), 8);
                else v[i] = Long.parseLong(p);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        long addr = 0;
        int n = parts.length;
        for (int i = 0; i < n - 1; i++) {
            if (v[i] > 255) return Optional.empty();
            addr |= v[i] << (24 - 8 * i);
        }
        long last = v[n - 1];
        if (last >= 1L << (8 * (5 - n))) return Optional.empty();
        addr |= last;
        return Optional.of(new byte[]{(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
    }
}
