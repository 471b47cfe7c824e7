package airlock.shim;

import airlock.protocol.ChannelStreams;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Request;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The in-container client. Busybox pattern: invoked through a symlink named like the tool, it
 * forwards argv, cwd, environment and stdin to the daemon and replays stdout/stderr byte-exact.
 */
public final class Shim {
    /** The pom's version (generated at build time: {@link BuildVersion}). */
    public static final String VERSION = BuildVersion.VERSION;
    /** What a shell reports for a process killed by SIGPIPE (128 + 13). */
    static final int SIGPIPE_STATUS = 141;
    static final String DEFAULT_SOCKET = "/run/docker-airlock.sock";
    static final String KEY_VARIABLE = "AIRLOCK_KEY";
    static final String KEY_FILE = "/run/airlock/key";
    /** What the shim invoked as {@code airlock} asks the daemon; anything else is usage. */
    static final List<String> AGENT_VERBS = List.of("skill", "whoami", "secrets", "runs", "respond", "attach");

    private Shim() {}

    public static void main(String[] args) {
        Invocation inv;
        try {
            inv = Invocation.current(args);
        } catch (KernelArgs.NotText e) {
            System.exit(fail("protocol error: " + e.getMessage()));
            return;
        }
        System.exit(run(inv));
    }

    static int run(Invocation inv) {
        return run(inv, System.getenv().getOrDefault("AIRLOCK_SOCKET", DEFAULT_SOCKET));
    }

    static int run(Invocation inv, String socket) {
        // Under its own name the shim asks the daemon itself (skill, whoami, secrets); the
        // daemon judges and audits these like any request.
        boolean self = inv.command().startsWith("airlock-shim") || inv.command().equals("airlock");
        if (self && (inv.args().isEmpty() || !AGENT_VERBS.contains(inv.args().getFirst()))) return Usage.print(inv.args());
        String cwd;
        java.util.Map<String, String> environment;
        try {
            cwd = KernelArgs.cwd();
            environment = environment();
        } catch (KernelArgs.NotText e) {
            return fail("protocol error: " + e.getMessage());
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return fail("cannot reach the daemon at " + socket + " (" + e.getMessage() + "); is 'airlock start' running and the socket mounted?");
        }
        // Channels, not streams: the relay writes from its direct buffer without a copy.
        FileChannel stdout = new FileOutputStream(FileDescriptor.out).getChannel();
        FileChannel stderr = new FileOutputStream(FileDescriptor.err).getChannel();
        try {
            FrameWriter writer = new FrameWriter(ChannelStreams.out(ch));
            Request request = new Request(self ? Request.Mode.AGENT : Request.Mode.RUN, self ? "airlock" : inv.command(),
                    inv.args(), cwd, environment, ContainerId.detect(), stdinIsTerminal(), key());
            SignalForwarder signals = SignalForwarder.install(writer);
            writer.write(FrameType.REQUEST, request.encode());
            signals.requestSent();
            StdinPump.start(System.in, writer);
            // The socket is left open for the process's exit to close, which tells the daemon
            // the same (and kills the tool after a SIGPIPE status): close() would load libextnet,
            // 1.5 ms of a call (docs/performance.md).
            return relay(ch, stdout, stderr);
        } catch (IOException e) {
            closeQuietly(ch);
            return fail("lost the daemon: " + e.getMessage());
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }

    /** Replays the daemon's frames until the last one; the result is the shim's exit status. */
    static int relay(ReadableByteChannel from, WritableByteChannel stdout, WritableByteChannel stderr) throws IOException {
        return new Relay(from, stdout, stderr).run();
    }

    /** From /proc rather than System.console(), which loads a console provider on every start. */
    static boolean stdinIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The key of a locked profile: $AIRLOCK_KEY, else the file a container may mount, else none. */
    static String key() {
        String k = System.getenv(KEY_VARIABLE);
        if (k == null || k.isBlank()) {
            try {
                k = java.nio.file.Files.readString(Path.of(KEY_FILE));
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
        return k.strip();
    }

    /** The environment (the kernel's bytes, see KernelArgs) without the key: it travels in its own field, never to a tool or a hook. */
    private static java.util.Map<String, String> environment() throws KernelArgs.NotText {
        java.util.Map<String, String> env = KernelArgs.environment();
        env.remove(KEY_VARIABLE);
        return env;
    }

    static int fail(String message) {
        // UTF-8 bytes, not println: stderr's charset follows a locale the container may not have
        byte[] line = ("airlock: " + message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.err.write(line, 0, line.length);
        System.err.flush();
        return ExitCodes.UNREACHABLE;
    }

    /** argv[0]'s basename and the rest. */
    record Invocation(String command, List<String> args) {
        /** From the kernel's bytes (KernelArgs): the JVM's own decoding depends on a locale the container may lack. */
        static Invocation current(String[] args) throws KernelArgs.NotText {
            // The JVM launcher script passes argv[0] as a property; a native binary reads it from /proc.
            String argv0 = System.getProperty("airlock.argv0") == null ? null
                    : KernelArgs.argv0Property(args.length).orElse(System.getProperty("airlock.argv0"));
            if (argv0 == null) argv0 = ProcArgv0.read();
            while (argv0.length() > 1 && argv0.endsWith("/")) argv0 = argv0.substring(0, argv0.length() - 1);
            int slash = argv0.lastIndexOf('/');
            String name = slash >= 0 ? argv0.substring(slash + 1) : argv0;
            return new Invocation(name, KernelArgs.args(args));
        }
    }
}
