package airlock.daemon.hooks;

import airlock.protocol.FrameType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the tool's frames go when a post-exec hook must see the whole result first: the frame
 * stream a {@code FrameWriter} writes is split back into stdout and stderr and held in memory,
 * up to a cap. Past the cap a write fails, which the run treats like a vanished caller: the tool
 * is killed, and the session withholds everything (a partial result would bypass the hook).
 */
public final class HeldOutput extends OutputStream {
    private final int max;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final byte[] header = new byte[5];
    private int headerFill;
    private int remaining;
    private ByteArrayOutputStream target;
    private boolean overflow;

    public HeldOutput(int max) {
        this.max = max;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (remaining == 0 && headerFill < header.length) {
                header[headerFill++] = b[off++];
                len--;
                if (headerFill == header.length) startFrame();
                continue;
            }
            int n = Math.min(len, remaining);
            if (target != null) {
                if ((long) stdout.size() + stderr.size() + n > max) {
                    overflow = true;
                    throw new IOException("output over the limit of " + max + " bytes held for the post-exec hook");
                }
                target.write(b, off, n);
            }
            off += n;
            len -= n;
            remaining -= n;
            if (remaining == 0) headerFill = 0;
        }
    }

    private void startFrame() throws IOException {
        int type = header[0] & 0xff;
        remaining = ((header[1] & 0xff) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (type == FrameType.STDOUT.code) target = stdout;
        else if (type == FrameType.STDERR.code) target = stderr;
        else throw new IOException("unexpected frame type " + type + " while holding output");
        if (remaining == 0) headerFill = 0;
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
