package airlock.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Fields inside a payload: {@code i32} big-endian, {@code string} = u32 length + UTF-8 bytes. */
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

    public String string() throws ProtocolException {
        int len = i32();
        if (len < 0 || len > Limits.MAX_STRING || len > buf.remaining()) {
            throw new ProtocolException("string of " + len + " bytes does not fit the payload");
        }
        ByteBuffer slice = buf.slice(buf.position(), len);
        buf.position(buf.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("string is not valid UTF-8");
        }
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
