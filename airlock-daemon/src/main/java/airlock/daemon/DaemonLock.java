package airlock.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One daemon per config directory: an exclusive lock on {@code <config>/daemon.lock}, taken
 * before the daemon touches anything shared (the audit log, the vault, sockets, run folders,
 * python environments) and held for its whole life. The kernel drops the lock when the process
 * ends, however it ends, so a crashed daemon never blocks the next one. The file holds the
 * holder's pid, for the message a second {@code airlock start} prints.
 *
 * <p>The lock is a POSIX record lock, which belongs to the process: closing any descriptor of
 * the file in the daemon's process would drop it, so nothing in that process opens it again
 * (a probe from the same JVM leaves its descriptor open, see {@link #acquire}).
 *
 * <p>Why a lock and not the sockets: a second daemon used to learn it was not alone only when it
 * bound a live profile's socket, and by then it had already written a record (an expired
 * profile sorting first) into the running daemon's audit log, breaking its hash chain.
 */
public final class DaemonLock implements Closeable {
    public static final String FILE = "daemon.lock";

    /**
     * The lock files this process holds. Static on purpose: a POSIX record lock belongs to the
     * process, not to an object, so "held here" is a fact about the process. Asking it lets a
     * probe in the same process (tests run the daemon and the CLI in one JVM) answer without
     * opening the file: a descriptor opened for the probe and then closed, or left for the
     * garbage collector's cleaner to close, would drop the daemon's lock (a second daemon then
     * started beside the first: StartCommandTest caught it under load).
     */
    private static final Set<Path> HELD_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private DaemonLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /** Whether this process holds the lock of the config directory {@code root} (asked without opening the file). */
    public static boolean heldHere(Path root) {
        return HELD_HERE.contains(key(root.resolve(FILE)));
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    /** Thrown when another daemon holds the lock; the message is for the operator. */
    public static final class Held extends IOException {
        Held(String message) {
            super(message);
        }
    }

    /** Takes the lock of the config directory {@code root}, or says who holds it. */
    public static DaemonLock acquire(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (heldHere(root)) {
            // this process runs a daemon on this directory already (tests do); the file is not
            // opened, since closing any descriptor of it would drop that daemon's lock
            throw new Held("another airlock daemon is already running on " + root + " (pid " + ProcessHandle.current().pid()
                    + ", this process): it holds " + file + "; stop it first (this one touched nothing)");
        }
        // NOFOLLOW: a planted symlink must not make the daemon create or truncate another file
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            // This JVM runs a daemon on this directory already (tests do). The channel stays open:
            // POSIX record locks belong to the process, and closing any descriptor of the file
            // would drop the running daemon's lock (checked on JDK 25).
            throw new Held("another airlock daemon is already running on " + root + " (pid " + ProcessHandle.current().pid()
                    + ", this process): it holds " + file + "; stop it first (this one touched nothing)");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close(); // this process holds no lock on the file: closing drops nothing
            throw new Held("another airlock daemon is already running on " + root + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + ": it holds " + file + "; stop it first (this one touched nothing)");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        HELD_HERE.add(key(file));
        return new DaemonLock(ch, lock, file);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            return s.matches("[0-9]{1,10}") ? s : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Releases the lock (closing the channel does); the file stays for the next daemon. */
    @Override
    public void close() {
        HELD_HERE.remove(key(file));
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the process's exit releases it at the latest
        }
    }
}
