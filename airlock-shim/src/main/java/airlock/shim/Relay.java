package airlock.shim;

import airlock.protocol.ExitCodes;
import airlock.protocol.FrameType;
import airlock.protocol.Limits;
import airlock.protocol.Payload;
import airlock.protocol.ProtocolException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Replays the daemon's frames until the last one. The same checks as {@code FrameReader} (type,
 * then length against the limit, then the whole payload), but over one direct buffer: a
 * STDOUT/STDERR payload goes from the socket to fd 1/2 without a copy on the Java heap, and one
 * read may bring several frames. byte[]-based streams cost three more copies per frame (JNI
 * buffers on each side, readNBytes' chunks), which made the shim the stream's bottleneck.
 * Memory stays bounded: the buffer holds two largest frames, whatever the daemon sends.
 */
final class Relay {
    private static final int HEADER = 5;
    private final ReadableByteChannel in;
    private final WritableByteChannel stdout;
    private final WritableByteChannel stderr;
    /** Read mode between calls: position..limit is what came from the socket and is not used yet. */
    private final ByteBuffer buf = ByteBuffer.allocateDirect(2 * (HEADER + Limits.MAX_DATA)).limit(0);

    Relay(ReadableByteChannel in, WritableByteChannel stdout, WritableByteChannel stderr) {
        this.in = in;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The shim's exit status. */
    int run() throws IOException {
        while (true) {
            if (!fill(1)) return Shim.fail("the daemon closed the connection before the command finished");
            FrameType type = FrameType.of(buf.get() & 0xff);
            if (!fill(4)) throw new ProtocolException("truncated frame header");
            int len = buf.getInt();
            int max = type == FrameType.REQUEST ? Limits.MAX_REQUEST : Limits.MAX_DATA;
            if (len < 0 || len > max) throw new ProtocolException(type + " frame of " + (len & 0xffffffffL) + " bytes is over the limit of " + max);
            switch (type) {
                case STDOUT, STDERR -> {
                    // A data frame fits in the buffer (len <= MAX_DATA): written whole or not at all,
                    // as before, so a frame cut short by a dying daemon prints nothing of itself.
                    if (!fill(len)) throw new ProtocolException("truncated " + type + " frame: " + buf.remaining() + " of " + len + " bytes");
                    if (!write(len, type == FrameType.STDOUT ? stdout : stderr)) return Shim.SIGPIPE_STATUS;
                }
                case EXIT -> {
                    Payload p = new Payload(payload(type, len));
                    int status = p.i32();
                    int signal = p.i32();
                    p.end();
                    if (signal < 0 || signal > 64 || status < 0 || status > 255) {
                        return Shim.fail("protocol error: exit status " + status + " / signal " + signal + " out of range");
                    }
                    return signal > 0 ? 128 + signal : status;
                }
                case REFUSAL -> {
                    Payload p = new Payload(payload(type, len));
                    int code = p.i32();
                    String message = p.string("message", Limits.MAX_DATA);
                    writeFully(ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), stderr);
                    return code >= 1 && code <= 255 ? code : ExitCodes.UNREACHABLE;
                }
                default -> {
                    payload(type, len);
                    return Shim.fail("protocol error: unexpected " + type + " frame from the daemon");
                }
            }
        }
    }

    /** At least n unread bytes in the buffer, or false at the end of the stream. n <= capacity / 2. */
    private boolean fill(int n) throws IOException {
        while (buf.remaining() < n) {
            if (buf.capacity() - buf.position() < n) {
                buf.compact().flip();
            }
            int pos = buf.position();
            buf.position(buf.limit()).limit(buf.capacity());
            int r = in.read(buf);
            buf.limit(buf.position()).position(pos);
            if (r < 0) return false;
        }
        return true;
    }

    /** The next len bytes as an array: small frames (EXIT, REFUSAL) or a misbehaving daemon's. */
    private byte[] payload(FrameType type, int len) throws IOException {
        byte[] out = new byte[len];
        int got = 0;
        while (got < len) {
            if (!fill(1)) throw new ProtocolException("truncated " + type + " frame: " + got + " of " + len + " bytes");
            int n = Math.min(len - got, buf.remaining());
            buf.get(out, got, n);
            got += n;
        }
        return out;
    }

    /**
     * False when our own stdout is gone (e.g. {@code git log | head}): like a tool killed by
     * SIGPIPE, the shim stops, and closing the socket makes the daemon kill the host process.
     */
    private boolean write(int len, WritableByteChannel to) {
        ByteBuffer data = buf.slice(buf.position(), len);
        buf.position(buf.position() + len);
        try {
            writeFully(data, to);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeFully(ByteBuffer data, WritableByteChannel to) throws IOException {
        while (data.hasRemaining()) to.write(data);
    }
}
