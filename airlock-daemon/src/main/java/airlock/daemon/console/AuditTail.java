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
 * Follows rotation by sequence number, not by file: when the current file is replaced (maybe
 * several times between two polls, maybe again while it reads), every file that can hold a record
 * newer than the last one sent is read, oldest first, and {@link #lastSeq} drops what was sent
 * already. Reading by file and offset lost records when a rotation came in between.
 */
final class AuditTail {
    static final long POLL_MS = 200;
    /** A record line is a few KiB at most; the last one of a file is found within this much of its end. */
    private static final int TAIL_BYTES = 64 * 1024;

    private final Path current;
    private final List<Consumer<AuditEntry>> sinks = new CopyOnWriteArrayList<>();
    private Thread poller; // guarded by this
    /** The last seq sent: a record is never sent twice, whatever order the files are read in. Poller thread only. */
    private long lastSeq = -1;

    /** @param current the audit file written now; rotated files sit next to it as NAME.1, ... */
    AuditTail(Path current) {
        this.current = current;
    }

    AutoCloseable subscribe(Consumer<AuditEntry> sink) {
        sinks.add(sink);
        synchronized (this) {
            if (poller == null) {
                Position start = Position.end(current);
                // what is on disk now is not news: the feed starts after the newest record
                long seen = start.fileKey() != null ? lastSeqIn(current, start.offset()) : newestSeqRotated();
                poller = Thread.ofVirtual().name("console-audit-tail").start(() -> follow(start, seen));
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

    private void follow(Position start, long seen) {
        lastSeq = seen;
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
                    // rotated: whatever file the current path names by the time it is read, the
                    // next poll compares keys again, and the seqs keep every record once
                    Chunk c = catchUp();
                    key = now;
                    offset = c.end();
                    partial = c.partial();
                } else if (now != null) {
                    Chunk c = read(current, offset, partial, false);
                    if (c.gap()) {
                        // rotated between the stat and the read: this file is not the one keyed
                        c = catchUp();
                        key = fileKey(current);
                    }
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

    /** @param gap a record after the next one due was found (and not sent): files moved under the read */
    private record Chunk(long end, byte[] partial, boolean gap) {
        Chunk(long end, byte[] partial) {
            this(end, partial, false);
        }
    }

    /**
     * Every record after {@link #lastSeq}, from the rotated files and the current one. The files
     * are opened newest first: rotation renames each file to the next higher number, towards the
     * ones not opened yet, so a rotation in the middle can make a file be opened twice (its
     * records are dropped the second time) but never skipped. Opening stops at the first file
     * that starts at or before the next record due; then they are read oldest first. Returns the
     * chunk of the current file, for the tail that follows.
     */
    private Chunk catchUp() {
        List<FileChannel> open = new java.util.ArrayList<>();
        boolean currentFirst = false;
        try {
            // NAME, NAME.1, NAME.2 ...: by number, not from one listing, since the files keep
            // moving up while they are opened; a name missing for the instant of a rename is
            // passed over as long as higher ones exist
            for (int n = 0; ; n++) {
                Path p = n == 0 ? current : AuditFiles.rotatedOf(current, n);
                FileChannel ch;
                try {
                    ch = FileChannel.open(p, StandardOpenOption.READ);
                } catch (IOException e) {
                    if (n >= highestRotated()) break;
                    continue;
                }
                if (n == 0) currentFirst = true;
                open.add(ch);
                long first = firstSeqIn(ch);
                if (first >= 0 && first <= lastSeq + 1) break;
            }
            Chunk c = new Chunk(0, new byte[0]);
            for (int i = open.size() - 1; i >= 0; i--) c = read(open.get(i), 0, new byte[0], true);
            return currentFirst ? c : new Chunk(0, new byte[0]);
        } catch (IOException e) {
            return new Chunk(0, new byte[0]);
        } finally {
            for (FileChannel ch : open) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    private int highestRotated() {
        try {
            List<Path> all = AuditFiles.oldestFirstOf(current);
            String oldest = all.isEmpty() ? "" : all.getFirst().getFileName().toString();
            String prefix = current.getFileName() + ".";
            return oldest.startsWith(prefix) ? Integer.parseInt(oldest.substring(prefix.length())) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static long firstSeqIn(FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(TAIL_BYTES, ch.size()));
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
            // the first line at most
        }
        byte[] data = java.util.Arrays.copyOf(head.array(), head.position());
        int nl = indexOf(data, 0);
        AuditEntry e = nl < 0 ? null : AuditEntry.parse(java.util.Arrays.copyOf(data, nl));
        return e == null ? -1 : e.seq();
    }

    /**
     * The last seq on disk when the current file is missing (the instant of a rotation): the
     * newest rotated file's. Without it the first catch-up would replay the whole log as news.
     */
    private long newestSeqRotated() {
        try {
            List<Path> files = AuditFiles.oldestFirstOf(current);
            for (int i = files.size() - 1; i >= 0; i--) {
                long seq = lastSeqIn(files.get(i), Files.size(files.get(i)));
                if (seq >= 0) return seq;
            }
        } catch (IOException e) {
            // an empty log
        }
        return -1;
    }

    /** The seq of the last complete record before {@code end}, or -1. */
    private static long lastSeqIn(Path file, long end) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long from = Math.max(0, end - TAIL_BYTES);
            ByteBuffer buf = ByteBuffer.allocate((int) (end - from));
            ch.position(from);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // up to end
            }
            byte[] data = java.util.Arrays.copyOf(buf.array(), buf.position());
            int stop = data.length;
            while (stop > 0 && data[stop - 1] != '\n') stop--; // an unfinished line is not a record yet
            if (stop == 0) return -1;
            int start = stop - 1;
            while (start > 0 && data[start - 1] != '\n') start--;
            AuditEntry e = AuditEntry.parse(java.util.Arrays.copyOfRange(data, start, stop - 1));
            return e == null ? -1 : e.seq();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) if (data[i] == '\n') return i;
        return -1;
    }

    /**
     * Emits every complete line from {@code offset} to the end as it is now; keeps the unfinished
     * tail. Stops at a record that is not the next one due unless {@code acceptGap}.
     */
    private Chunk read(Path file, long offset, byte[] partial, boolean acceptGap) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, offset, partial, acceptGap);
        } catch (IOException e) {
            return new Chunk(offset, partial);
        }
    }

    private Chunk read(FileChannel ch, long offset, byte[] partial, boolean acceptGap) {
        byte[] data;
        long end;
        try {
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
                if (e != null && e.seq() > lastSeq + 1 && lastSeq >= 0 && !acceptGap) return new Chunk(offset, partial, true);
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
