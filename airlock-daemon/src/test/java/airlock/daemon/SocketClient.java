package airlock.daemon;

import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;
import airlock.protocol.ChannelStreams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Speaks the wire protocol directly, for tests that need many requests without a JVM per shim. */
public final class SocketClient {
    /** {@code exit} is the tool's status, or the refusal code when {@code refusal} is non-null. */
    public record Result(int exit, int signal, String out, String err, String refusal) {}

    private SocketClient() {}

    public static Result run(Path socket, String command, List<String> args, String cwd) throws IOException {
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // Request and end of stdin in one write: a refusal closes the connection at once, and
            // a second write would then fail on a broken pipe.
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            FrameWriter w = new FrameWriter(first);
            w.write(FrameType.REQUEST, new Request(Request.Mode.RUN, command, args, cwd, Map.of("TERM", "dumb"), "", false).encode());
            w.write(FrameType.STDIN_EOF, new byte[0]);
            ChannelStreams.out(s).write(first.toByteArray());
            FrameReader r = new FrameReader(ChannelStreams.in(s));
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            Frame f;
            while ((f = r.read()) != null) {
                switch (f.type()) {
                    case STDOUT -> out.writeBytes(f.payload());
                    case STDERR -> err.writeBytes(f.payload());
                    case EXIT -> {
                        Payload p = new Payload(f.payload());
                        return new Result(p.i32(), p.i32(), utf8(out), utf8(err), null);
                    }
                    case REFUSAL -> {
                        Payload p = new Payload(f.payload());
                        int code = p.i32();
                        return new Result(code, 0, utf8(out), utf8(err), p.string());
                    }
                    default -> throw new IOException("unexpected frame " + f.type());
                }
            }
            throw new IOException("connection closed without EXIT or REFUSAL");
        }
    }

    private static String utf8(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
