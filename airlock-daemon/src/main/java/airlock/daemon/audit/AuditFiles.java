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
    private static final Pattern ROTATED = Pattern.compile(Pattern.quote(CURRENT) + "\\.([1-9][0-9]{0,5})");

    private AuditFiles() {}

    public static Path current(Path dir) {
        return dir.resolve(CURRENT);
    }

    public static Path rotated(Path dir, int n) {
        return dir.resolve(CURRENT + "." + n);
    }

    /** Every audit file present, oldest first, the current file last. */
    public static List<Path> oldestFirst(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = ROTATED.matcher(p.getFileName().toString());
                if (m.matches()) numbers.add(Integer.parseInt(m.group(1)));
            });
        }
        numbers.sort((a, b) -> Integer.compare(b, a));
        for (int n : numbers) out.add(rotated(dir, n));
        if (Files.exists(current(dir))) out.add(current(dir));
        return out;
    }
}
