package airlock.daemon.audit;

import airlock.daemon.ConfigDirectory;
import airlock.rules.Config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the audit log lives: {@code <config>/audit/audit.ndjson} is written now,
 * {@code audit.ndjson.1} is the file rotated most recently, {@code audit.ndjson.N} the oldest.
 */
public final class AuditFiles {
    public static final String CURRENT = "audit.ndjson";

    private AuditFiles() {}

    public static Path dir(ConfigDirectory config) {
        return config.root().resolve("audit");
    }

    /**
     * The file written now: {@code [log] path} when config.toml sets it (absolute, {@code ~/...}
     * in the daemon user's home, or relative to the config directory), else
     * {@code <config>/audit/audit.ndjson}. Rotated files sit next to it as {@code NAME.1}, ...
     */
    public static Path file(ConfigDirectory config, Config.LogSettings log) {
        String p = log.path();
        if (p == null) return current(dir(config));
        if (p.equals("~") || p.startsWith("~/")) return Path.of(System.getProperty("user.home") + p.substring(1)).normalize();
        return config.root().resolve(p).normalize();
    }

    public static Path current(Path dir) {
        return dir.resolve(CURRENT);
    }

    public static Path rotated(Path dir, int n) {
        return rotatedOf(current(dir), n);
    }

    /** Rotated file {@code n} of the log whose current file is {@code current}. */
    public static Path rotatedOf(Path current, int n) {
        return current.resolveSibling(current.getFileName() + "." + n);
    }

    /** Every audit file present, oldest first, the current file last. */
    public static List<Path> oldestFirst(Path dir) throws IOException {
        return oldestFirstOf(current(dir));
    }

    /** The same for a log whose current file is {@code current}. */
    public static List<Path> oldestFirstOf(Path current) throws IOException {
        List<Path> out = new ArrayList<>();
        Path dir = current.getParent();
        if (dir == null || !Files.isDirectory(dir)) return out;
        Pattern rotatedName = Pattern.compile(Pattern.quote(current.getFileName().toString()) + "\\.([1-9][0-9]{0,5})");
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = rotatedName.matcher(p.getFileName().toString());
                if (m.matches()) numbers.add(Integer.parseInt(m.group(1)));
            });
        }
        numbers.sort((a, b) -> Integer.compare(b, a));
        for (int n : numbers) out.add(rotatedOf(current, n));
        if (Files.exists(current)) out.add(current);
        return out;
    }
}
