package airlock.shim;

import airlock.protocol.ChannelStreams;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Request;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * install.sh's training run for the JVM shim's AOT cache (JDK 25 -XX:AOTCacheOutput records one
 * JVM): the calls agents make, one after another in this JVM, so that the cache holds the
 * classes each path loads and none is left to the jar at run time. Run in an empty git work tree
 * against a throwaway daemon that enables only git; statuses are ignored (a failing and a refused
 * call are among the calls on purpose).
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--self-contained")) selfContained();
        else calls(System.getenv().getOrDefault("AIRLOCK_SOCKET", Shim.DEFAULT_SOCKET));
        System.exit(0);
    }

    private static void calls(String socket) {
        InputStream none = new ByteArrayInputStream(new byte[0]);
        run(socket, none, "git", "--version");
        run(socket, none, "git", "init", "-q");
        run(socket, none, "git", "status");
        run(socket, none, "git", "status", "--porcelain=v2", "--branch");
        run(socket, none, "git", "log", "-1", "--oneline");        // fails: no commit yet
        run(socket, none, "git", "rev-parse", "--verify", "HEAD"); // fails as well
        run(socket, new ByteArrayInputStream("training\n".repeat(1000).getBytes(StandardCharsets.UTF_8)),
                "git", "hash-object", "--stdin");                       // stdin
        run(socket, none, "kubectl", "get", "pods");               // refused: not enabled
    }

    /** A stand-in daemon: output, an exit status, stdin read to its end, a refusal for kubectl. */
    static void selfContained() throws IOException {
        Path dir = Files.createTempDirectory("airlock-aot");
        Path sock = dir.resolve("train.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread daemon = new Thread(() -> {
                while (true) {
                    SocketChannel c;
                    try {
                        c = server.accept();
                    } catch (IOException e) {
                        return; // the server closed: training is over
                    }
                    try (c) {
                        answer(c);
                    } catch (IOException e) {
                        // one call went wrong; the next ones must still be answered, or they would wait forever
                    }
                }
            }, "airlock-aot-daemon");
            daemon.setDaemon(true);
            daemon.start();
            calls(sock.toString());
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    private static void answer(SocketChannel c) throws IOException {
        FrameReader in = new FrameReader(ChannelStreams.in(c));
        FrameWriter out = new FrameWriter(ChannelStreams.out(c));
        Request r = Request.decode(in.expect(FrameType.REQUEST).payload());
        if (!r.command().equals("git")) {
            out.refusal(126, "airlock: refused by the config layer: '" + r.command() + "' is not enabled (AOT training)");
            return;
        }
        Frame f;
        while ((f = in.read()) != null && f.type() != FrameType.STDIN_EOF) {
            // stdin, read to its end as a tool would
        }
        out.data(FrameType.STDOUT, new byte[70_000], 0, 70_000);
        out.write(FrameType.STDERR, "training\n".getBytes(StandardCharsets.UTF_8));
        out.exit(r.args().contains("--verify") ? 128 : 0, 0);
    }

    private static void run(String socket, InputStream stdin, String command, String... args) {
        System.setIn(stdin);
        Shim.run(new Shim.Invocation(command, List.of(args)), socket);
    }
}
