package airlock.daemon.hooks;


import airlock.daemon.core.Signals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs one hook executable: directly (never through a shell), with a minimal environment, its
 * input on stdin, a deadline after which the hook and everything it started is killed, and a cap
 * on what it may write. Every way a hook can go wrong is a {@link HookFailure}: the caller refuses.
 */
final class HookRunner {
    /** A fixed PATH: the daemon user's own PATH may hold directories a hook should not depend on. */
    static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    record Output(int exit, byte[] stdout, byte[] stderr) {}

    static final class HookFailure extends Exception {
        HookFailure(String message) {
            super(message);
        }
    }

    private HookRunner() {}

    /** Whether a hook exists at this place at all (a dangling symlink or a directory counts: it is refused later). */
    static boolean present(Path hook) {
        return Files.exists(hook, LinkOption.NOFOLLOW_LINKS);
    }

    static Output run(Path hook, String stage, byte[] input, Map<String, String> env, Path workDir,
                      Duration timeout, int maxOutput) throws HookFailure, InterruptedException {
        usable(hook);
        ProcessBuilder pb = new ProcessBuilder(List.of(hook.toAbsolutePath().toString())).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", PATH);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("AIRLOCK_HOOK", stage);
        pb.environment().putAll(env);
        long deadline = System.nanoTime() + timeout.toNanos();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new HookFailure("hook " + hook + " failed to start: " + e.getMessage());
        }
        try {
            Capture out = new Capture(p.getInputStream(), maxOutput);
            Capture err = new Capture(p.getErrorStream(), 64 * 1024);
            Thread feeder = Thread.ofVirtual().start(() -> feed(p.getOutputStream(), input));
            boolean exited = p.waitFor(remaining(deadline), TimeUnit.NANOSECONDS);
            if (!exited) {
                Signals.killTree(p.toHandle());
                throw new HookFailure("hook " + hook + " timed out after " + timeout.toSeconds() + " s and was killed");
            }
            // A child the hook left behind may still hold its stdout: the deadline covers that too.
            if (!out.join(deadline) || !err.join(deadline)) {
                throw new HookFailure("hook " + hook + " exited but something it started kept its output open past the "
                        + timeout.toSeconds() + " s time-out");
            }
            feeder.join(1000);
            if (out.overflow) throw new HookFailure("hook " + hook + " wrote more than " + maxOutput + " bytes to stdout");
            return new Output(p.exitValue(), out.bytes(), err.bytes());
        } finally {
            if (p.isAlive()) Signals.killTree(p.toHandle());
        }
    }

    /**
     * A hook anyone but its owner can change would let that someone decide for the daemon.
     * Present but unusable is a refusal, never a skipped hook.
     */
    private static void usable(Path hook) throws HookFailure {
        if (!Files.isRegularFile(hook)) throw new HookFailure("hook " + hook + " is not a regular file");
        if (!Files.isExecutable(hook)) throw new HookFailure("hook " + hook + " is not executable (chmod u+x, or remove it)");
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(hook);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new HookFailure("hook " + hook + " is writable by group or others (chmod go-w)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new HookFailure("hook " + hook + ": cannot read its permissions: " + e.getMessage());
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void feed(OutputStream stdin, byte[] input) {
        try (stdin) {
            stdin.write(input);
        } catch (IOException e) {
            // The hook did not read its input; its verdict still counts.
        }
    }

    /** Reads a stream to its end, keeping at most {@code max} bytes and noting when there was more. */
    private static final class Capture {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread thread;
        private volatile boolean overflow;

        Capture(InputStream in, int max) {
            thread = Thread.ofVirtual().start(() -> {
                byte[] b = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(b)) > 0) {
                        synchronized (buf) {
                            int keep = Math.min(n, max - buf.size());
                            if (keep > 0) buf.write(b, 0, keep);
                            if (keep < n) overflow = true;
                        }
                    }
                } catch (IOException e) {
                    // killed
                }
            });
        }

        boolean join(long deadline) throws InterruptedException {
            long ms = TimeUnit.NANOSECONDS.toMillis(remaining(deadline));
            return thread.join(Duration.ofMillis(Math.max(1, ms)));
        }

        byte[] bytes() {
            synchronized (buf) {
                return buf.toByteArray();
            }
        }
    }
}
