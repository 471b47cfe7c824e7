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
        t.onlyKeys(s, Set.of("network", "read", "writable", "timeout_s", "memory_mb", "processes", "output_mb", "venv", "host_network"));
        // network off unless asked for: a sandbox that forgot the key must not reach the network
        boolean network = Boolean.TRUE.equals(t.bool(s, "network"));
        // the host's own network (its loopback services too) only when asked for by name
        boolean hostNetwork = Boolean.TRUE.equals(t.bool(s, "host_network"));
        Boolean w = t.bool(s, "writable");
        List<String> read = t.strings(s, "read");
        if (read == null) read = List.of();
        for (int i = 0; i < read.size(); i++) checkHomeFile(t, s.child("read"), i, read.get(i));
        String venv = t.string(s, "venv");
        SandboxSpec.Venv v = switch (venv == null ? "none" : venv) {
            case "none" -> SandboxSpec.Venv.NONE;
            case "use" -> SandboxSpec.Venv.USE;
            case "install" -> SandboxSpec.Venv.INSTALL;
            default -> throw t.error(s.child("venv"), "must be \"none\", \"use\" (run the profile's Python environment) or"
                    + " \"install\" (its pip), not \"" + venv + "\"");
        };
        return new SandboxSpec(network, read, w == null || w,
                limit(t, s, "timeout_s", MAX_TIMEOUT_S), limit(t, s, "memory_mb", MAX_MEMORY_MB),
                limit(t, s, "processes", MAX_PROCESSES), limit(t, s, "output_mb", MAX_OUTPUT_MB), v, hostNetwork);
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

    private static long limit(Toml t, Toml.Table s, String key, long max) throws ConfigError {
        Long v = t.integer(s, key);
        if (v == null) return 0;
        if (v < 0 || v > max) throw t.error(s.child(key), "must be 0 (no limit) to " + max + ", not " + v);
        return v;
    }
}
