package airlock.daemon.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * The append-only audit log: one JSON line per record, each carrying {@code seq} and the SHA-256
 * of the line before it ({@code prev}), so a removed or edited line breaks the chain. Appends are
 * serialized (no interleaved lines); a record is on the file (write(2) done, not fsync'ed) when
 * {@link #append} returns. Rotates by size, the chain continuing into the new file.
 */
public final class AuditLog implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file written now; rotated ones are NAME.1 ... next to it. */
    private final Path file;
    private final Clock clock;
    private long maxBytes;
    private int maxFiles;
    private FileChannel channel;
    private long size;
    private long seq;
    private String prev;
    /** Why the last append failed; null when it succeeded. */
    private String failure;

    private AuditLog(Path file, Clock clock, long maxBytes, int maxFiles) {
        this.file = file;
        this.clock = clock;
        limits(maxBytes, maxFiles);
    }

    /** Opens (creating) the log in {@code dir} and resumes the chain from its last line. */
    public static AuditLog open(Path dir, long maxBytes, int maxFiles, Clock clock) throws IOException {
        AuditLog log = new AuditLog(AuditFiles.current(dir), clock, maxBytes, maxFiles);
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        log.resume();
        return log;
    }

    /**
     * Opens (creating) the log whose current file is {@code file} ({@code [log] path}). A folder
     * it creates is private to the daemon's user; a folder that exists is left as it is (it may
     * be /var/log), the files themselves are created rw-------.
     */
    public static AuditLog openFile(Path file, long maxBytes, int maxFiles, Clock clock) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        AuditLog log = new AuditLog(file.toAbsolutePath(), clock, maxBytes, maxFiles);
        log.resume();
        return log;
    }

    public static AuditLog open(Path dir, long maxBytes, int maxFiles) throws IOException {
        return open(dir, maxBytes, maxFiles, Clock.systemUTC());
    }

    /** New rotation limits, from a reloaded config.toml; applied at the next append. */
    public synchronized void limits(long maxBytes, int maxFiles) {
        if (maxBytes < 1 || maxFiles < 1) throw new IllegalArgumentException("audit log limits must be positive");
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    public Path dir() {
        return file.getParent();
    }

    /** The file written now. */
    public Path file() {
        return file;
    }

    /** Writes one request's record. */
    public void append(AuditRecord record) throws AuditLogException {
        append(record.toJson(clock.instant()));
    }

    /** A daemon event that is not a request (a reload), in the same chain. */
    public void event(String type, String detail) throws AuditLogException {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type);
        o.put("time", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        o.put("detail", detail);
        append(o);
    }

    /**
     * Whether a run may start. Throws while the last append failed: a refusal's record is still
     * attempted, and the first one that gets written makes the log ready again.
     */
    public synchronized void ready() throws AuditLogException {
        if (failure != null) throw new AuditLogException("the last write failed: " + failure, null);
        if (channel != null) return;
        try {
            openCurrent();
        } catch (IOException e) {
            throw new AuditLogException("cannot open the audit log " + file + ": " + e, e);
        }
    }

    synchronized void append(ObjectNode body) throws AuditLogException {
        body.put("seq", seq + 1);
        body.put("prev", prev);
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new AuditLogException("cannot encode an audit record: " + e.getOriginalMessage(), e);
        }
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        try {
            if (channel == null) openCurrent();
            if (size > 0 && size + line.length > maxBytes) rotate();
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) channel.write(buf);
        } catch (IOException e) {
            // The next append reopens the file: a full disk that frees up heals the log.
            closeQuietly();
            failure = "cannot write the audit log " + file + ": " + e;
            throw new AuditLogException(failure, e);
        }
        failure = null;
        size += line.length;
        seq++;
        prev = ChainHash.of(json);
    }

    private void rotate() throws IOException {
        closeQuietly();
        Path current = file;
        if (maxFiles == 1) {
            Files.delete(current);
        } else {
            Files.deleteIfExists(AuditFiles.rotatedOf(file, maxFiles - 1));
            for (int n = maxFiles - 2; n >= 1; n--) {
                Path from = AuditFiles.rotatedOf(file, n);
                if (Files.exists(from)) Files.move(from, AuditFiles.rotatedOf(file, n + 1), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(current, AuditFiles.rotatedOf(file, 1), StandardCopyOption.ATOMIC_MOVE);
        }
        // Files left over from a larger max_files before a reload.
        for (Path p : AuditFiles.oldestFirstOf(file)) {
            String name = p.getFileName().toString();
            String base = file.getFileName().toString();
            if (!name.equals(base) && Integer.parseInt(name.substring(base.length() + 1)) >= maxFiles) {
                Files.deleteIfExists(p);
            }
        }
        openCurrent();
    }

    private void openCurrent() throws IOException {
        Path current = file;
        if (!Files.exists(current)) {
            Files.createFile(current, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        channel = FileChannel.open(current, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    /** Continues the chain after a restart: seq and hash of the last line on disk. */
    private void resume() throws IOException {
        seq = 0;
        prev = ChainHash.GENESIS;
        List<Path> files = AuditFiles.oldestFirstOf(file);
        for (int i = files.size() - 1; i >= 0; i--) {
            byte[] last = lastLine(files.get(i));
            if (last == null) continue;
            prev = ChainHash.of(last);
            try {
                JsonNode n = JSON.readTree(last);
                seq = n.path("seq").asLong(0);
            } catch (IOException e) {
                seq = 0; // a torn line: --verify reports it, the chain still links to its bytes
            }
            break;
        }
        openCurrent();
        if (size > 0 && !endsWithNewline(file)) {
            // A crash mid-write left half a line: end it so the next record starts on its own line.
            channel.write(ByteBuffer.wrap(new byte[]{'\n'}));
            size++;
        }
    }

    private static boolean endsWithNewline(Path p) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            if (f.length() == 0) return true;
            f.seek(f.length() - 1);
            return f.read() == '\n';
        }
    }

    /** The last non-empty line of a file, without its newline; null for an empty file. */
    static byte[] lastLine(Path p) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long end = f.length();
            while (end > 0) {
                f.seek(end - 1);
                if (f.read() != '\n') break;
                end--;
            }
            if (end == 0) return null;
            long start = end;
            byte[] chunk = new byte[8192];
            outer:
            while (start > 0) {
                int n = (int) Math.min(chunk.length, start);
                f.seek(start - n);
                f.readFully(chunk, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (chunk[i] == '\n') {
                        start = start - n + i + 1;
                        break outer;
                    }
                }
                start -= n;
            }
            byte[] line = new byte[(int) (end - start)];
            f.seek(start);
            f.readFully(line);
            return line;
        }
    }

    private void closeQuietly() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // reopened at the next append
        }
        channel = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
