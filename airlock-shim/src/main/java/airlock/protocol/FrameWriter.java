package airlock.protocol;

import java.io.IOException;
import java.io.OutputStream;

/** Writes whole frames; synchronized so that two pumps never interleave bytes of two frames. */
public final class FrameWriter {
    private final OutputStream out;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public synchronized void write(FrameType type, byte[] payload, int off, int len) throws IOException {
        byte[] header = {(byte) type.code, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
        if (out instanceof ChannelStreams.Output channel) {
            channel.frame(header, payload, off, len);
            return;
        }
        out.write(header);
        out.write(payload, off, len);
        out.flush();
    }

    public void write(FrameType type, byte[] payload) throws IOException {
        write(type, payload, 0, payload.length);
    }

    /** Splits data into frames of at most {@link Limits#MAX_DATA} bytes. */
    public void data(FrameType type, byte[] data, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, Limits.MAX_DATA);
            write(type, data, off, n);
            off += n;
            len -= n;
        }
    }

    public void exit(int status, int signal) throws IOException {
        write(FrameType.EXIT, new Payload.Builder().i32(status).i32(signal).bytes());
    }

    public void refusal(int code, String message) throws IOException {
        write(FrameType.REFUSAL, new Payload.Builder().i32(code).string(message).bytes());
    }

    public void signal(int signal) throws IOException {
        write(FrameType.SIGNAL, new Payload.Builder().i32(signal).bytes());
    }
}
