package airlock.daemon.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The vault on disk, {@code <config>/vault/}:
 * <pre>
 * vault/              0700
 *   master.key        0600  32 random bytes, the AES-256 key of every entry
 *   secrets/NAME.json 0600  one entry: metadata in clear, the value sealed (see {@link Vault})
 *   manifest.json     0600  every name and version, a change counter, a MAC (see {@link VaultManifest})
 *   requests.json     0600  the agents' open requests for secrets (see {@link SecretRequest})
 *   changes.ndjson    0600  what changed when (never a value), copied into the audit log
 *   runs/RANDOM/      0700  files delivered to one run (see {@link RunSecrets}), removed after it
 * </pre>
 * Every file is created with its final mode in the create call itself (open(2) with O_EXCL and
 * the mode, which the umask can only narrow), never created wider and then tightened: a reader
 * racing the creation would otherwise get the key.
 */
public final class VaultFiles {
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;

    public VaultFiles(Path root) {
        this.root = root;
    }

    public Path root() { return root; }
    public Path masterKey() { return root.resolve("master.key"); }
    public Path secretsDir() { return root.resolve("secrets"); }
    public Path entry(String name) { return secretsDir().resolve(name + ".json"); }
    public Path manifest() { return root.resolve("manifest.json"); }
    public Path requests() { return root.resolve("requests.json"); }
    public Path journal() { return root.resolve("changes.ndjson"); }
    public Path journalCursor() { return root.resolve("changes.audited"); }
    public Path runsDir() { return root.resolve("runs"); }

    public boolean exists() {
        return Files.exists(root, LinkOption.NOFOLLOW_LINKS);
    }

    /** Creates the vault's directories owner-only (missing ones only). */
    void createDirectories() throws IOException {
        for (Path d : List.of(root, secretsDir(), runsDir())) createPrivateDirectory(d);
    }

    static void createPrivateDirectory(Path d) throws IOException {
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return;
        Files.createDirectories(d.getParent());
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) throw e;
        }
    }

    /**
     * Writes {@code bytes} to {@code target} all at once for every reader: a new 0600 file next to
     * it, synced, then renamed over it. A crash leaves the old entry or the new one, never half.
     */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + HexFormat.of().formatHex(randomBytes(8)) + ".tmp");
        try {
            writeNew(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code p} (it must not exist) as 0600 and writes {@code bytes}, synced. */
    static void writeNew(Path p, byte[] bytes) throws IOException {
        writeNew(p, bytes, true);
    }

    /** As above; a run's file is not synced: it lives for one run and is removed after it. */
    static void writeNew(Path p, byte[] bytes, boolean sync) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
        try (FileChannel ch = FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), mode)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            if (sync) ch.force(true);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * Why the daemon must not use this vault, one line each; empty when it may. A vault that does
     * not exist yet is fine (there is nothing to protect). Wider modes or another owner mean
     * someone else could read the key or replace an entry with a value of their choosing.
     */
    public List<String> problems(int uid) throws IOException {
        List<String> out = new ArrayList<>();
        if (!exists()) return out;
        check(root, true, uid, out);
        if (Files.exists(masterKey(), LinkOption.NOFOLLOW_LINKS)) check(masterKey(), false, uid, out);
        for (Path d : List.of(secretsDir(), runsDir())) {
            if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) check(d, true, uid, out);
        }
        if (Files.isDirectory(secretsDir(), LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(secretsDir())) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) check(p, false, uid, out);
            }
        }
        for (Path p : List.of(journal(), journalCursor(), manifest(), requests())) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) check(p, false, uid, out);
        }
        return out;
    }

    private static void check(Path p, boolean directory, int uid, List<String> out) throws IOException {
        if (Files.isSymbolicLink(p)) {
            out.add(p + " is a symbolic link; the vault holds only its own files (remove it)");
            return;
        }
        if (directory ? !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) : !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            out.add(p + " is not a " + (directory ? "directory" : "regular file"));
            return;
        }
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != uid) out.add(p + " is owned by uid " + owner + ", not by the daemon's user (uid " + uid + ")");
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> allowed = directory ? DIR_MODE : FILE_MODE;
        if (!allowed.containsAll(perms)) {
            out.add(p + " has mode " + PosixFilePermissions.toString(perms) + "; it must be "
                    + PosixFilePermissions.toString(allowed) + " (chmod " + (directory ? "700" : "600") + " " + p + ")");
        }
    }

    /** The uid this process runs as. */
    public static int currentUid() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
