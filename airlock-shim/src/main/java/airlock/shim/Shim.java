package airlock.shim;

import airlock.protocol.ExitCodes;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The in-container client. Busybox pattern: invoked through a symlink named like the tool, it
 * forwards argv, cwd, environment and stdin to the daemon and replays stdout/stderr byte-exact.
 */
public final class Shim {
    public static final String VERSION = "0.1.0";
    static final String DEFAULT_SOCKET = "/run/docker-airlock.sock";

    private Shim() {}

    public static void main(String[] args) {
        System.exit(run(Invocation.current(args)));
    }

    static int run(Invocation inv) {
        if (inv.command().startsWith("airlock-shim")) return Usage.print(inv.args());
        String socket = System.getenv().getOrDefault("AIRLOCK_SOCKET", DEFAULT_SOCKET);
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return fail("cannot reach the daemon at " + socket + " (" + e.getMessage() + "); is 'airlock start' running and the socket mounted?");
        }
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        try (ch) {
            FrameWriter writer = new FrameWriter(ChannelStreams.out(ch));
            FrameReader reader = new FrameReader(ChannelStreams.in(ch));
            Request request = new Request(Request.Mode.RUN, inv.command(), inv.args(), cwd(), System.getenv(),
                    ContainerId.detect(), System.console() != null);
            writer.write(FrameType.REQUEST, request.encode());
            StdinPump.start(System.in, writer);
            SignalForwarder.install(writer);
            while (true) {
                Frame f = reader.read();
                if (f == null) return fail("the daemon closed the connection before the command finished");
                switch (f.type()) {
                    case STDOUT -> stdout.write(f.payload());
                    case STDERR -> stderr.write(f.payload());
                    case EXIT -> {
                        Payload p = new Payload(f.payload());
                        int status = p.i32();
                        int signal = p.i32();
                        stdout.flush();
                        return signal > 0 ? 128 + signal : status;
                    }
                    case REFUSAL -> {
                        Payload p = new Payload(f.payload());
                        int code = p.i32();
                        stderr.write((p.string() + "\n").getBytes());
                        return code;
                    }
                    default -> {
                        return fail("unexpected " + f.type() + " frame from the daemon");
                    }
                }
            }
        } catch (IOException e) {
            return fail("lost the daemon: " + e.getMessage());
        }
    }

    private static String cwd() {
        return Path.of("").toAbsolutePath().toString();
    }

    static int fail(String message) {
        System.err.println("airlock: " + message);
        return ExitCodes.UNREACHABLE;
    }

    /** argv[0]'s basename and the rest. */
    record Invocation(String command, List<String> args) {
        static Invocation current(String[] args) {
            // The JVM launcher script passes argv[0] as a property; a native binary reads it from /proc.
            String argv0 = System.getProperty("airlock.argv0");
            if (argv0 == null) argv0 = ProcArgv0.read();
            String name = Path.of(argv0).getFileName().toString();
            return new Invocation(name, Arrays.asList(args));
        }
    }

    /** Minimal stream adapters: Channels.newInputStream would serialize reads and writes on one lock. */
    static final class ChannelStreams {
        static InputStream in(SocketChannel ch) {
            return new InputStream() {
                @Override public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }
                @Override public int read(byte[] b, int off, int len) throws IOException {
                    return ch.read(java.nio.ByteBuffer.wrap(b, off, len));
                }
            };
        }

        static OutputStream out(SocketChannel ch) {
            return new OutputStream() {
                @Override public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }
                @Override public void write(byte[] b, int off, int len) throws IOException {
                    var buf = java.nio.ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) ch.write(buf);
                }
            };
        }
    }
}
