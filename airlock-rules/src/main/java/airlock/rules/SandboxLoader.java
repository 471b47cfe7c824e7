package airlock.rules;

import java.util.List;
import java.util.Set;

/** Parses {@code [sandbox]} of a module.toml; every mistake names file, line and key. */
final class SandboxLoader {
    private static final long MAX_TIMEOUT_S = 7 * 24 * 3600;
    private static final long MAX_MEMORY_MB = 1L << 22;
    private static final long MAX_PROCESSES = 1L << 16;
    private static final long MAX_OUTPUT_MB = 1L << 20;

    private SandboxLoader() {}

    static SandboxSpec parse(Toml t, Toml.Table s) throws ConfigError {
        t.onlyKeys(s, Set.of("network", "read", "writable", "timeout_s", "memory_mb", "processes", "output_mb", "venv", "host_network",
                "network_allow"));
        // network off unless asked for: a sandbox that forgot the key must not reach the network
        boolean network = Boolean.TRUE.equals(t.bool(s, "network"));
        // the host's own network (its loopback services too) only when asked for by name
        boolean hostNetwork = Boolean.TRUE.equals(t.bool(s, "host_network"));
        Boolean w = t.bool(s, "writable");
        List<String> read = t.strings(s, "read");
        if (read == null) read = List.of();
        for (int i = 0; i < read.size(); i++) {
            int index = i;
            List<String> r = read;
            t.check(() -> checkHomeFile(t, s.child("read"), index, r.get(index)));
        }
        String venv = t.string(s, "venv");
        SandboxSpec.Venv v = switch (venv == null ? "none" : venv) {
            case "none" -> SandboxSpec.Venv.NONE;
            case "use" -> SandboxSpec.Venv.USE;
            case "install" -> SandboxSpec.Venv.INSTALL;
            default -> throw t.error(s.child("venv"), "must be \"none\", \"use\" (run the profile's Python environment) or"
                    + " \"install\" (its pip), not \"" + venv + "\"");
        };
        List<String> allowed = t.strings(s, "network_allow");
        List<SandboxSpec.Destination> allow = new java.util.ArrayList<>();
        if (allowed != null) {
            // an allowlist limits the run's own namespace: with no network there is nothing to limit,
            // and the host's own namespace is not the daemon's to filter
            if (hostNetwork) throw t.error(s.child("network_allow"), "limits the run's own network; host_network = true is the"
                    + " host's own network, which it cannot limit (remove one of the two)");
            if (!network) throw t.error(s.child("network_allow"), "limits the network of network = true, which this module"
                    + " does not set (add network = true, or remove network_allow)");
        }
        for (int i = 0; allowed != null && i < allowed.size(); i++) allow.add(destination(t, s.child("network_allow"), i, allowed.get(i)));
        long timeout = t.part(0L, () -> limit(t, s, "timeout_s", MAX_TIMEOUT_S));
        long memory = t.part(0L, () -> limit(t, s, "memory_mb", MAX_MEMORY_MB));
        long processes = t.part(0L, () -> limit(t, s, "processes", MAX_PROCESSES));
        long output = t.part(0L, () -> limit(t, s, "output_mb", MAX_OUTPUT_MB));
        return new SandboxSpec(network, read, w == null || w, timeout, memory, processes, output, v, hostNetwork, allow);
    }

    /**
     * Only plain files under the home, named from it: "~/.ssh/../.." or "~/" would hand the whole
     * home (or more) to the tool, which is what the tmpfs home exists to prevent.
     */
    private static void checkHomeFile(Toml t, String path, int i, String f) throws ConfigError {
        if (!f.startsWith("~/") || f.length() == 2) {
            throw t.elementError(path, i, "\"" + f + "\": a file under the host home, written ~/PATH");
        }
        for (String part : f.substring(2).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw t.elementError(path, i, "\"" + f + "\": no empty, '.' or '..' parts (name the file itself)");
            }
        }
        if (f.indexOf('\0') >= 0 || f.indexOf(',') >= 0) throw t.elementError(path, i, "\"" + f + "\": bad character");
    }

    /**
     * HOST:PORT, [IPV6]:PORT: a host name or address and one port. The name is resolved by the
     * daemon when a run starts (SandboxSpec.Destination), so only its form is checked here.
     */
    private static SandboxSpec.Destination destination(Toml t, String path, int i, String d) throws ConfigError {
        try {
            return SandboxSpec.Destination.parse(d);
        } catch (IllegalArgumentException e) {
            throw t.elementError(path, i, "\"" + d + "\": " + e.getMessage());
        }
    }

    private static long limit(Toml t, Toml.Table s, String key, long max) throws ConfigError {
        Long v = t.integer(s, key);
        if (v == null) return 0;
        if (v < 0 || v > max) throw t.error(s.child(key), "must be 0 (no limit) to " + max + ", not " + v);
        return v;
    }
}
