package airlock.daemon.vault;

import airlock.daemon.audit.AuditLog;
import airlock.daemon.audit.AuditLogException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * What changed in the vault, one JSON line per change: which secret, added/replaced/removed,
 * its version, when, by which uid. Never a value. {@code airlock secret ...} runs in its own
 * process while the daemon may hold the audit log open; two writers would break the log's hash
 * chain, so the CLI appends here and the daemon copies new lines into the audit log
 * ({@link #copyInto}) at start and at every reload.
 */
public final class VaultJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final VaultFiles files;

    public VaultJournal(VaultFiles files) {
        this.files = files;
    }

    void append(String action, String name, long version, Instant at) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", at.truncatedTo(ChronoUnit.MILLIS).toString());
        o.put("action", action);
        o.put("secret", name);
        o.put("version", version);
        o.put("uid", VaultFiles.currentUid());
        byte[] json = JSON.writeValueAsBytes(o);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        try (FileChannel ch = FileChannel.open(files.journal(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(VaultFiles.FILE_MODE))) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
        }
    }

    /**
     * Appends every journal line the audit log has not seen yet as a {@code secret} event, then
     * remembers how far it got. Returns how many were copied. Only the daemon calls this.
     */
    public synchronized int copyInto(AuditLog audit) throws IOException, AuditLogException {
        Path journal = files.journal();
        if (!Files.isRegularFile(journal, LinkOption.NOFOLLOW_LINKS)) return 0;
        long from = cursor();
        byte[] all = Files.readAllBytes(journal);
        if (from > all.length) from = 0; // the journal was replaced: copy it again rather than lose it
        int copied = 0;
        int start = (int) from;
        for (int i = start; i < all.length; i++) {
            if (all[i] != '\n') continue;
            String line = new String(all, start, i - start, StandardCharsets.UTF_8);
            if (!line.isBlank()) {
                audit.event("secret", line);
                copied++;
            }
            start = i + 1;
        }
        if (start != from) VaultFiles.writeAtomically(files.journalCursor(), Long.toString(start).getBytes(StandardCharsets.US_ASCII));
        return copied;
    }

    private long cursor() throws IOException {
        Path p = files.journalCursor();
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return 0;
        try {
            return Long.parseLong(Files.readString(p, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
