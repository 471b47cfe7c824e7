package airlock.daemon.hooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Where a run's output goes when a post-exec hook must see the whole result first: stdout and
 * stderr held in memory, up to a cap on both together. Past the cap a write fails, which the run
 * treats like a vanished caller: the tool is killed, and nothing of its output is delivered (a
 * partial result would bypass the hook).
 */
public final class HeldOutput {
    private final int max;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private boolean overflow;

    public HeldOutput(int max) {
        this.max = max;
    }

    /** Holds bytes of one stream; fails past the cap. */
    public synchronized void write(boolean toStderr, byte[] b, int off, int len) throws IOException {
        if ((long) stdout.size() + stderr.size() + len > max) {
            overflow = true;
            throw new IOException("output over the limit of " + max + " bytes held for the post-exec hook");
        }
        (toStderr ? stderr : stdout).write(b, off, len);
    }

    public synchronized boolean overflowed() {
        return overflow;
    }

    public synchronized byte[] stdout() {
        return stdout.toByteArray();
    }

    public synchronized byte[] stderr() {
        return stderr.toByteArray();
    }
}
