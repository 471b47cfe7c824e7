package airlock.daemon.console;

import airlock.daemon.audit.AuditChain;
import airlock.daemon.audit.AuditFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** {@link Activity} read from the daemon's audit directory: the files themselves are the state. */
public final class AuditActivity implements Activity {
    private final Path current;
    private final AuditTail tail;

    private final java.util.function.Supplier<List<airlock.daemon.runs.Run.View>> paused;

    /** @param auditFile the audit file written now (config.toml [log] path, or audit/audit.ndjson) */
    public AuditActivity(Path auditFile) {
        this(auditFile, List::of);
    }

    /** @param paused the daemon's runs paused now for an agent's answer, read at every page */
    public AuditActivity(Path auditFile, java.util.function.Supplier<List<airlock.daemon.runs.Run.View>> paused) {
        this.current = auditFile;
        this.tail = new AuditTail(auditFile);
        this.paused = paused;
    }

    @Override
    public List<airlock.daemon.runs.Run.View> paused() {
        return paused.get();
    }

    @Override
    public List<AuditEntry> recent(int max) {
        List<AuditEntry> out = new ArrayList<>();
        try {
            List<Path> files = AuditFiles.oldestFirstOf(current);
            for (int f = files.size() - 1; f >= 0 && out.size() < max; f--) {
                List<byte[]> lines = lines(files.get(f));
                for (int i = lines.size() - 1; i >= 0 && out.size() < max; i--) {
                    AuditEntry e = AuditEntry.parse(lines.get(i));
                    if (e != null) out.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public Optional<AuditEntry> record(long seq) {
        try {
            for (Path f : AuditFiles.oldestFirstOf(current).reversed()) {
                for (byte[] line : lines(f)) {
                    AuditEntry e = AuditEntry.parse(line);
                    if (e != null && e.seq() == seq) return Optional.of(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    @Override
    public ChainStatus verify() {
        try {
            AuditChain.Report r = AuditChain.verifyFile(current);
            return new ChainStatus(r.intact(), r.records(), r.files(), r.firstSeq(), r.head(),
                    r.problems().stream().map(AuditChain.Problem::toString).toList());
        } catch (IOException e) {
            return new ChainStatus(false, 0, 0, 0, "", List.of("cannot read " + current + ": " + e));
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<AuditEntry> sink) {
        return tail.subscribe(sink);
    }

    private static List<byte[]> lines(Path file) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of(); // rotated away between listing and reading
        }
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                if (i > start) out.add(java.util.Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
