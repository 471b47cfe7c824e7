package airlock.daemon.checks.git;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads just enough of a repository's index ({@code .git/index}, formats 2, 3 and 4) to tell
 * whether any entry is a gitlink (a submodule), so the submodule check starts {@code git
 * ls-files} only when there is one. The agent writes this file: anything unexpected (another
 * version, a split index, a truncated entry, a size past the limit) answers "maybe", and the
 * caller then asks git itself.
 */
final class GitIndex {
    private static final long MAX_BYTES = 64L << 20;
    private static final int S_IFMT = 0170000;
    private static final int S_IFGITLINK = 0160000;

    private GitIndex() {}

    /** False only when the index was read whole and no entry's mode is a gitlink (git's S_ISGITLINK). */
    static boolean mayHoldGitlinks(Path gitDir, int hashBytes) {
        Path index = gitDir.resolve("index");
        try {
            if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) return false; // no entries at all
            if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS) || Files.size(index) > MAX_BYTES) return true;
            try (var shared = Files.newDirectoryStream(gitDir, "sharedindex.*")) {
                if (shared.iterator().hasNext()) return true; // entries may live in the shared index
            }
            return anyGitlink(ByteBuffer.wrap(Files.readAllBytes(index)), hashBytes);
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    static boolean anyGitlink(ByteBuffer b, int hashBytes) {
        if (b.remaining() < 12 || b.getInt() != 0x44495243) return true; // "DIRC"
        int version = b.getInt();
        if (version < 2 || version > 4) return true;
        long entries = Integer.toUnsignedLong(b.getInt());
        for (long n = 0; n < entries; n++) {
            int start = b.position();
            b.position(start + 24); // ctime, mtime, dev, ino
            int mode = b.getInt();
            if ((mode & S_IFMT) == S_IFGITLINK) return true;
            b.position(b.position() + 12 + hashBytes); // uid, gid, size, object name
            int flags = Short.toUnsignedInt(b.getShort());
            if ((flags & 0x4000) != 0) {
                if (version < 3) return true;
                b.getShort(); // extended flags
            }
            if (version == 4) {
                while ((b.get() & 0x80) != 0) { } // varint: bytes of the previous path to drop
                while (b.get() != 0) { }
            } else {
                int nameLength = flags & 0x0fff;
                if (nameLength == 0x0fff) { // longer names: up to the NUL
                    int name = b.position();
                    while (b.get() != 0) { }
                    nameLength = b.position() - 1 - name;
                    b.position(name);
                }
                int entryLength = b.position() - start + nameLength;
                // one NUL at least, then NULs up to a multiple of 8
                b.position(start + ((entryLength + 8) & ~7));
            }
        }
        return false;
    }
}
