package airlock.daemon.vault;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes changes to one vault between threads and between processes (the daemon and
 * {@code airlock secret ...} on the host). {@code FileChannel.lock} alone excludes only other
 * processes: the JVM holds file locks for the whole process, and a second lock on the same file
 * from this JVM throws {@code OverlappingFileLockException} instead of waiting (issue 20.3: 2 to
 * 7 of twelve concurrent agent requests failed). So the threads of one {@link Vault} queue on a
 * fair in-JVM lock first, and only its holder takes the file lock, which then waits for another
 * process as it should.
 *
 * <p>The daemon opens one vault and hands that instance out, so its threads always meet here.
 * Another instance on the same directory in the same JVM (a test or the bench beside a daemon)
 * shows up as an {@code OverlappingFileLockException}; that is waited for with a short sleep
 * instead of a JVM-wide registry of locks by path (static mutable state), so the lock is correct
 * whatever the number of instances, and polls only in that case.
 */
final class VaultLock {
    /** Another instance of this JVM holding the vault longer than this is stuck, not busy. */
    private static final long OVERLAP_WAIT_MILLIS = 120_000;

    private final VaultFiles files;
    private final ReentrantLock threads = new ReentrantLock(true);

    VaultLock(VaultFiles files) {
        this.files = files;
    }

    /** Held until closed; closing releases the file lock and lets the next thread in. */
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    Held acquire() throws IOException {
        threads.lock();
        try {
            FileLock file = lockFile();
            return () -> {
                try (FileChannel ch = file.channel()) {
                    file.release();
                } finally {
                    threads.unlock();
                }
            };
        } catch (IOException | RuntimeException | Error e) {
            threads.unlock();
            throw e;
        }
    }

    private FileLock lockFile() throws IOException {
        files.createDirectories();
        Path p = files.root().resolve(".lock");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OVERLAP_WAIT_MILLIS);
        long pause = 1;
        while (true) {
            FileChannel ch = Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    ? FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                    : FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                            PosixFilePermissions.asFileAttribute(VaultFiles.FILE_MODE));
            try {
                return ch.lock();
            } catch (OverlappingFileLockException sameJvm) {
                ch.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("airlock: vault: another part of this process has held the lock of " + files.root()
                            + " for " + OVERLAP_WAIT_MILLIS / 1000 + " s; nothing was changed (try again)");
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("airlock: vault: interrupted while waiting for the vault's lock; nothing was changed");
                }
                pause = Math.min(pause * 2, 20);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
    }
}
