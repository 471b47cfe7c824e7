package airlock.daemon.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A script that holds secrets may carry them out through files it leaves in a writable
 * workspace. Before the run the writable mounts are listed (size, mtime, inode); after it, every
 * regular file that is new or changed is read, passed through the redactor, and rewritten in
 * place when something was found. Symbolic links are never followed (a link could point at a host
 * file outside the mounts).
 */
public final class WrittenFiles {
    /** Past this many files the listing stops: the run is then reported as not fully scanned. */
    static final int MAX_FILES = 200_000;
    /** Larger files are not read into memory; they are reported, not scanned. */
    static final long MAX_SCANNED_BYTES = 64L << 20;

    private WrittenFiles() {}

    record Stamp(long size, long modifiedNanos, Object fileKey) {}

    /** The writable mounts as they were before the run. */
    public record Snapshot(List<Path> roots, Map<Path, Stamp> files, boolean complete) {}

    /**
     * @param scanned   files new or changed since the snapshot, read through the redactor
     * @param redacted  of those, the files rewritten with markers
     * @param matches   secret forms replaced, over all files (for the audit record)
     * @param unscanned new or changed files too large to scan, or past the listing limit
     */
    public record Report(int scanned, List<Path> redacted, int matches, List<Path> unscanned) {
        public static final Report NONE = new Report(0, List.of(), 0, List.of());
    }

    public static Snapshot before(List<Path> roots) throws IOException {
        Map<Path, Stamp> files = new HashMap<>();
        boolean complete = list(roots, files);
        return new Snapshot(List.copyOf(roots), files, complete);
    }

    public static Report redact(Snapshot before, Redaction redaction) throws IOException {
        Map<Path, Stamp> now = new HashMap<>();
        boolean complete = list(before.roots(), now);
        int scanned = 0, matches = 0;
        List<Path> redacted = new ArrayList<>();
        List<Path> unscanned = new ArrayList<>();
        for (var e : now.entrySet()) {
            if (e.getValue().equals(before.files().get(e.getKey()))) continue;
            Path f = e.getKey();
            if (e.getValue().size() > MAX_SCANNED_BYTES) {
                unscanned.add(f);
                continue;
            }
            byte[] content;
            try {
                content = Files.readAllBytes(f);
            } catch (IOException gone) {
                continue; // removed since the listing
            }
            scanned++;
            Redaction.Redacted r = redaction.apply(content);
            if (r.count() > 0) {
                // in place (same inode, same permissions), without following a link swapped in since
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) continue;
                Files.write(f, r.bytes(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                redacted.add(f);
                matches += r.count();
            }
        }
        if (!complete || !before.complete()) unscanned.addAll(before.roots());
        return new Report(scanned, List.copyOf(redacted), matches, List.copyOf(unscanned));
    }

    /** Regular files under the roots, links not followed; false when the limit cut the listing short. */
    private static boolean list(List<Path> roots, Map<Path, Stamp> into) throws IOException {
        for (Path root : roots) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> s = Files.walk(root, Integer.MAX_VALUE, new FileVisitOption[0])) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException gone) {
                        continue;
                    }
                    if (!a.isRegularFile()) continue;
                    if (into.size() >= MAX_FILES) return false;
                    into.put(p, new Stamp(a.size(), a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                            + a.lastModifiedTime().toInstant().getNano(), a.fileKey()));
                }
            } catch (java.io.UncheckedIOException e) {
                // a directory vanished while it was listed: what was seen is kept
            }
        }
        return true;
    }
}
