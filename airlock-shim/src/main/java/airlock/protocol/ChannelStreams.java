package airlock.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Streams over a blocking unix-domain {@link SocketChannel}, for {@link FrameReader} and
 * {@link FrameWriter}. Not {@code Channels.newInputStream}: its streams hold the channel's
 * blocking lock while they block, so a thread waiting for the peer's next frame would stop
 * another thread from writing output, and both ends would wait forever.
 */
public final class ChannelStreams {
    private ChannelStreams() {}

    public static InputStream in(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    public static OutputStream out(SocketChannel ch) {
        return new Output(ch);
    }

    /**
     * Lets {@link FrameWriter} put a frame's header and payload on the wire in one gathering
     * write: one system call per frame instead of two, and the peer finds the whole frame in one read.
     */
    static final class Output extends OutputStream {
        private final SocketChannel ch;

        private Output(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) ch.write(buf);
        }

        void frame(byte[] header, byte[] payload, int off, int len) throws IOException {
            ByteBuffer[] bufs = {ByteBuffer.wrap(header), ByteBuffer.wrap(payload, off, len)};
            while (bufs[0].hasRemaining() || bufs[1].hasRemaining()) ch.write(bufs);
        }
    }
}
