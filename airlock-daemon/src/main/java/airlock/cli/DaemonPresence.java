package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.DaemonLock;
import airlock.daemon.lifecycle.ProfileState;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a daemon runs on a config directory, told by its lock ({@link DaemonLock}) rather than
 * by a socket file: a stopped profile's socket, a stale one, or none say nothing reliable about
 * the daemon. Read-only: a shared lock attempt, never a file created.
 */
final class DaemonPresence {
    private DaemonPresence() {}

    static boolean running(ConfigDirectory dir) {
        Path file = dir.root().resolve(DaemonLock.FILE);
        // a daemon in this process (tests): opening and closing the file would drop its lock
        if (DaemonLock.heldHere(dir.root())) return true;
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
        try {
            FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
            if (probe != null) probe.release();
            ch.close(); // this process holds no lock on the file: closing drops nothing
            return probe == null;
        } catch (OverlappingFileLockException e) {
            // a daemon in this JVM holds it (tests); closing the channel would drop that
            // daemon's lock (POSIX record locks belong to the process), so it stays open
            return true;
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
            return false;
        }
    }

    /** The socket line of {@code airlock profile show}: the path and what is behind it. */
    static String socketLine(ConfigDirectory dir, String profile, ProfileState state) {
        Path sock = dir.socketOf(profile);
        if (!running(dir)) return sock + "  (daemon not running)";
        if (!state.active()) {
            String why = switch (state) {
                case ProfileState.Expired e -> "expired at " + e.at();
                case ProfileState.Revoked r -> "revoked at " + r.at() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
                case ProfileState.Active a -> "active";
            };
            return sock + "  (daemon running; the profile " + (state instanceof ProfileState.Expired ? "" : "was ") + why
                    + ": every request on this socket is refused with that reason, nothing runs)";
        }
        return sock + (Files.exists(sock, LinkOption.NOFOLLOW_LINKS) ? "  (daemon running)"
                : "  (absent though the daemon runs: it has not loaded this profile yet, or could not open it; see its log)");
    }
}
