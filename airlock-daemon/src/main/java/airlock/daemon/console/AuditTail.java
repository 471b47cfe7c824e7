package airlock.daemon.console;

import airlock.daemon.audit.AuditFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live feed: follows the current audit file while somebody watches, and only then. The
 * request path is not touched at all (no listener in the session, no queue to fill), so a console
 * that nobody looks at costs a shim call nothing; a watcher costs one stat per poll.
 * Follows rotation: when the current file is replaced, the rest of the old one is read first.
 */
final class AuditTail {
    static final long POLL_MS = 200;

    private final Path current;
    private final List<Consumer<AuditEntry>> sinks = new CopyOnWriteArrayList<>();
    private Thread poller; // guarded by this

    /** @param current the audit file written now; rotated files sit next to it as NAME.1, ... */
    AuditTail(Path current) {
        this.current = current;
    }

    AutoCloseable subscribe(Consumer<AuditEntry> sink) {
        sinks.add(sink);
        synchronized (this) {
            if (poller == null) {
                Position start = Position.end(current);
                poller = Thread.ofVirtual().name("console-audit-tail").start(() -> follow(start));
            }
        }
        return () -> sinks.remove(sink);
    }

    private record Position(Object fileKey, long offset) {
        static Position end(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Position(a.fileKey(), a.size());
            } catch (IOException e) {
                return new Position(null, 0);
            }
        }
    }

    private void follow(Position start) {
        Object key = start.fileKey();
        long offset = start.offset();
        byte[] partial = new byte[0];
        try {
            while (true) {
                synchronized (this) {
                    if (sinks.isEmpty()) {
                        poller = null;
                        return;
                    }
                }
                Object now = fileKey(current);
                if (now != null && !now.equals(key)) {
                    // Rotated (maybe more than once since the last poll): the rest of the old file,
                    // then every file rotated after it, wherever rotation moved them.
                    catchUp(key, offset, partial);
                    partial = new byte[0];
                    key = now;
                    offset = 0;
                }
                if (now != null) {
                    Chunk c = read(current, offset, partial);
                    offset = c.end();
                    partial = c.partial();
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            synchronized (this) {
                poller = null;
            }
        }
    }

    private record Chunk(long end, byte[] partial) {}

    /** The last seq sent: a record is never sent twice, whatever order the files are read in. */
    private long lastSeq = -1;

    private void catchUp(Object oldKey, long oldOffset, byte[] partial) {
        List<Path> rotated;
        try {
            rotated = AuditFiles.oldestFirstOf(current).stream().filter(p -> !p.equals(current)).toList();
        } catch (IOException e) {
            return;
        }
        int from = 0;
        for (int i = 0; i < rotated.size(); i++) {
            if (oldKey != null && oldKey.equals(fileKey(rotated.get(i)))) {
                read(rotated.get(i), oldOffset, partial);
                from = i + 1;
                break;
            }
        }
        for (int i = from; i < rotated.size(); i++) read(rotated.get(i), 0, new byte[0]);
    }

    /** Emits every complete line from {@code offset} to the end as it is now; keeps the unfinished tail. */
    private Chunk read(Path file, long offset, byte[] partial) {
        byte[] data;
        long end;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            end = ch.size();
            if (end <= offset) return new Chunk(offset, partial);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64L << 20, end - offset) + partial.length);
            buf.put(partial);
            ch.position(offset);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill up to the size seen at open; more is read at the next poll
            }
            end = offset + buf.position() - partial.length;
            data = java.util.Arrays.copyOf(buf.array(), buf.position());
        } catch (IOException e) {
            return new Chunk(offset, partial);
        }
        int from = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] != '\n') continue;
            if (i > from) {
                AuditEntry e = AuditEntry.parse(java.util.Arrays.copyOfRange(data, from, i));
                if (e != null && e.seq() > lastSeq) {
                    lastSeq = e.seq();
                    for (Consumer<AuditEntry> s : sinks) deliver(s, e);
                }
            }
            from = i + 1;
        }
        return new Chunk(end, java.util.Arrays.copyOfRange(data, from, data.length));
    }

    private static void deliver(Consumer<AuditEntry> sink, AuditEntry e) {
        try {
            sink.accept(e);
        } catch (RuntimeException ignored) {
            // one broken watcher must not stop the feed for the others
        }
    }

    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

}
