package airlock.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Fields inside a payload: {@code u8}, {@code i32} big-endian, {@code string} = u32 length + UTF-8
 * bytes. A string's length is checked against the bytes actually left before anything is copied.
 */
public final class Payload {
    private final ByteBuffer buf;

    public Payload(byte[] payload) {
        this.buf = ByteBuffer.wrap(payload);
    }

    public int i32() throws ProtocolException {
        try {
            return buf.getInt();
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated payload");
        }
    }

    public int u8() throws ProtocolException {
        try {
            return buf.get() & 0xff;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated payload");
        }
    }

    /** A string of at most {@code max} bytes; {@code what} names it in the refusal. */
    public String string(String what, int max) throws ProtocolException {
        int len = i32();
        if (len < 0 || len > buf.remaining()) throw new ProtocolException(what + ": length " + (len & 0xffffffffL) + " does not fit the payload");
        if (len > max) throw new ProtocolException(what + " of " + len + " bytes is over the limit of " + max);
        ByteBuffer slice = buf.slice(buf.position(), len);
        buf.position(buf.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(what + " is not valid UTF-8");
        }
    }

    public String string() throws ProtocolException {
        return string("string", Integer.MAX_VALUE);
    }

    /** Bytes not read yet: an optional trailing field is present when this is above 0. */
    public int remaining() {
        return buf.remaining();
    }

    public void end() throws ProtocolException {
        if (buf.hasRemaining()) throw new ProtocolException(buf.remaining() + " stray bytes after the payload");
    }

    /** Builds a payload. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Builder i32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        public Builder u8(int v) {
            out.write(v);
            return this;
        }

        public Builder string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            out.writeBytes(b);
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
