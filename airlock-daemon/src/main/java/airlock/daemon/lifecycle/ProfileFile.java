package airlock.daemon.lifecycle;

import airlock.rules.Profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes the lifecycle lines ({@code revoked}, {@code rotated}, {@code lock}) into a profile's own
 * file, one line each at the top (the root table: a key after a [table] header would belong to
 * that table), so a person sees them and can delete one by hand. The rest of the file, comments
 * included, is kept as written; the file is replaced atomically so the daemon never reads half.
 */
public final class ProfileFile {
    private static final Pattern TABLE_HEADER = Pattern.compile("^\\s*\\[.*");

    private ProfileFile() {}

    /**
     * {@code revoked = { at = ..., reason = ... }}: what {@code airlock profile revoke} and the
     * console both write, so a person reads the same line whoever revoked. Returns the instant.
     */
    public static Instant revoke(Path file, String reason) throws IOException {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        setLine(file, "revoked", "{ at = " + at + ", reason = " + quote(reason.strip()) + " }",
                "airlock profile revoke: delete this line to restore the profile");
        return at;
    }

    /** {@code rotated = TIME}: the daemon replaces the socket when it sees a new value. */
    public static Instant rotate(Path file) throws IOException {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        setLine(file, "rotated", at.toString(), "airlock profile rotate: the socket was replaced then");
        return at;
    }

    /** Writes a new verifier ({@code lock = {...}}) and returns the key, for the person's eyes only, once. */
    public static String lock(Path file) throws IOException {
        ProfileKey.Issued k = ProfileKey.issue();
        Profile.Lock l = k.lock();
        setLine(file, "lock", "{ id = \"" + l.id() + "\", salt = \"" + l.salt() + "\", sha256 = \"" + l.sha256() + "\" }",
                "airlock profile lock: only what verifies the key; delete this line to unlock");
        return k.key();
    }

    /** Replaces (or adds) the root-level line {@code key = value  # comment}. */
    public static void setLine(Path file, String key, String value, String comment) throws IOException {
        locked(file, () -> {
            List<String> lines = withoutKey(file, key);
            lines.addFirst(key + " = " + value + (comment.isEmpty() ? "" : "  # " + comment));
            write(file, lines);
        });
    }

    public static void removeLine(Path file, String key) throws IOException {
        locked(file, () -> write(file, withoutKey(file, key)));
    }

    private interface Edit {
        void run() throws IOException;
    }

    /**
     * Read, change and write under one lock across processes: a CLI 'rotate' and a console
     * 'revoke' of the same profile at once must not write back a copy without the other's line
     * (an undone revocation).
     */
    private static void locked(Path file, Edit edit) throws IOException {
        Path lockFile = file.resolveSibling("." + file.getFileName() + ".airlock-lock");
        try (var channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             var lock = channel.lock()) {
            edit.run();
        }
    }

    /** A TOML basic string: quotes, backslashes and control characters escaped. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    private static List<String> withoutKey(Path file, String key) throws IOException {
        if (Files.isSymbolicLink(file)) throw new IOException(file + " is a symlink; airlock edits only a profile's own file");
        Pattern line = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=.*");
        List<String> out = new ArrayList<>();
        boolean inRoot = true;
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (TABLE_HEADER.matcher(l).matches()) inRoot = false;
            if (inRoot && line.matcher(l).matches()) continue;
            out.add(l);
        }
        return out;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".airlock-tmp");
        Files.deleteIfExists(tmp);
        var perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(perms));
        Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
