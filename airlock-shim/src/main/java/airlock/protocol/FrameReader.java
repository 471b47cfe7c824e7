package airlock.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames, refusing any length over the limit before allocating for it. A payload is read as
 * it arrives (readNBytes grows in small steps), so a peer that announces a large frame and sends
 * little makes the reader allocate only what it sent.
 */
public final class FrameReader {
    private final InputStream in;

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /** The next frame, or null at a clean end of stream (between frames). */
    public Frame read() throws IOException {
        int type = in.read();
        if (type < 0) return null;
        FrameType t = FrameType.of(type);
        int len = readInt();
        int max = t == FrameType.REQUEST ? Limits.MAX_REQUEST : Limits.MAX_DATA;
        if (len < 0 || len > max) throw new ProtocolException(t + " frame of " + (len & 0xffffffffL) + " bytes is over the limit of " + max);
        byte[] payload = in.readNBytes(len);
        if (payload.length < len) throw new ProtocolException("truncated " + t + " frame: " + payload.length + " of " + len + " bytes");
        return new Frame(t, payload);
    }

    private int readInt() throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) throw new ProtocolException("truncated frame header");
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** Reads a frame and insists on its type and full payload. */
    public Frame expect(FrameType type) throws IOException {
        Frame f = read();
        if (f == null) throw new EOFException("connection closed before a " + type + " frame");
        if (f.type() != type) throw new ProtocolException("expected " + type + " frame, got " + f.type());
        return f;
    }
}
