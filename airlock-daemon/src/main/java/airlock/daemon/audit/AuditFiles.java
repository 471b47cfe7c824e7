package airlock.daemon.audit;

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
