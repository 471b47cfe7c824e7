package airlock.daemon.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One-time login links. {@code airlock ui} (same user, same host) writes a grant file into
 * {@code <config>/ui/logins/}, named by the SHA-256 of a fresh token, and prints the token in a
 * URL; visiting it makes the daemon delete that file, and only the visit whose delete succeeds
 * gets a session. So a link works once, for five minutes, and minting one needs write access to
 * the config directory: nothing a profile socket (or a container) can reach. The directory holds
 * no token, only hashes, so reading it does not log anyone in.
 */
public final class LoginGrants {
    public static final Duration VALID = Duration.ofMinutes(5);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final Clock clock;

    public LoginGrants(Path uiDir, Clock clock) {
        this.dir = uiDir.resolve("logins");
        this.clock = clock;
    }

    /** For {@code airlock ui}: a new grant on disk; returns the token that redeems it. */
    public String mint() throws IOException {
        prepare();
        String token = Tokens.fresh();
        Path grant = dir.resolve(Tokens.sha256(token));
        Files.writeString(Files.createFile(grant, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                Long.toString(clock.instant().plus(VALID).toEpochMilli()), StandardCharsets.US_ASCII);
        return token;
    }

    /** Creates the directory owner-only; refuses one that is a symlink or open to others. */
    public void prepare() throws IOException {
        Files.createDirectories(dir.getParent());
        Files.setPosixFilePermissions(dir.getParent(), OWNER_ONLY_DIR);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || !a.permissions().equals(OWNER_ONLY_DIR)) {
            throw new IOException(dir + " must be a directory of mode 0700 (it is not); remove it and try again");
        }
    }

    /** True once per grant, within its five minutes; the grant is gone afterwards either way. */
    public boolean redeem(String token) {
        if (!Tokens.wellFormed(token)) return false;
        Path grant = dir.resolve(Tokens.sha256(token));
        String expires;
        try {
            PosixFileAttributes a = Files.readAttributes(grant, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes owner = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // the daemon's own user made it, nobody else can read or replace it
            if (!a.isRegularFile() || !a.owner().equals(owner.owner())
                    || !a.permissions().equals(PosixFilePermissions.fromString("rw-------"))) return false;
            expires = Files.readString(grant, StandardCharsets.US_ASCII).strip();
            Files.delete(grant); // the one visit whose delete succeeds wins a race
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
        try {
            return clock.instant().isBefore(Instant.ofEpochMilli(Long.parseLong(expires)));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Removes grants whose five minutes are over (they would be refused anyway). */
    public void sweep() {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    String t = Files.readString(p, StandardCharsets.US_ASCII).strip();
                    if (!clock.instant().isBefore(Instant.ofEpochMilli(Long.parseLong(t)))) Files.deleteIfExists(p);
                } catch (IOException | NumberFormatException e) {
                    // not ours to judge; redeem refuses it
                }
            }
        } catch (IOException ignored) {
            // nothing to sweep
        }
    }
}
