import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One timed request over a profile's socket, for the sandbox benchmarks (SandboxBench,
 * WriteLayerBench, SandboxNetworkBench; the JDK's source launcher finds this file beside them).
 */
final class SocketCall {
    private SocketCall() {}

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Nanoseconds from connect to EXIT; a refusal or a status other than 0 fails, with the run's stderr. */
    static long timed(Path sock, String command, List<String> args, Path cwd) throws IOException {
        long t0 = System.nanoTime();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
            FrameReader r = new FrameReader(new InputStream() {
                @Override public int read() throws IOException {
                    byte[] b = new byte[1];
                    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
                }
                @Override public int read(byte[] b, int off, int len) throws IOException {
                    return ch.read(ByteBuffer.wrap(b, off, len));
                }
            });
            w.write(FrameType.REQUEST, new Request(Request.Mode.RUN, command, args, cwd.toString(), Map.of(), "", false).encode());
            w.write(FrameType.STDIN_EOF, new byte[0]);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            while (true) {
                Frame f = r.read();
                if (f == null) throw new IOException("daemon closed the connection");
                if (f.type() == FrameType.STDERR) err.write(f.payload());
                if (f.type() == FrameType.EXIT) {
                    int status = new Payload(f.payload()).i32();
                    if (status != 0) throw new IOException(command + " exited " + status + ": " + err.toString(StandardCharsets.UTF_8));
                    return System.nanoTime() - t0;
                }
                if (f.type() == FrameType.REFUSAL) {
                    Payload p = new Payload(f.payload());
                    int code = p.i32();
                    throw new IOException(command + " refused (" + code + "): " + p.string());
                }
            }
        }
    }
}
