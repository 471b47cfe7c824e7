package airlock.attacks;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.ShimRunner;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real daemon on a real socket for attack tests: config with the given commands enabled, one
 * profile "default" mounting {@code work} at the same path, and a daemon PATH that puts the fake
 * executables (which record argv, env and stdin) in front of the real git and ssh.
 * {@link #run} speaks the wire protocol in-process (fast, for many attacks); {@link #shim} starts
 * the real shim process (for the ordinary-use tests through the whole proxy).
 */
final class Proxy implements AutoCloseable {
    final Path root;
    final Path work;
    final Path fakes;
    final Path canary;
    private final Daemon daemon;
    private final Map<String, String> daemonEnv;

    record Result(int exit, String out, String err) {
        boolean refused() {
            return exit == 126 && err.startsWith("airlock: refused");
        }
    }

    private Proxy(Path root, Path work, Path fakes, Daemon daemon, Map<String, String> daemonEnv) {
        this.root = root;
        this.work = work;
        this.fakes = fakes;
        this.canary = root.resolve("canary");
        this.daemon = daemon;
        this.daemonEnv = Map.copyOf(daemonEnv);
    }

    static Proxy start(Path tmp, List<String> enable, String profileExtra, List<String> fakeTools) throws Exception {
        Path root = tmp.toRealPath();
        Path config = root.resolve("config");
        Path work = Files.createDirectories(root.resolve("work"));
        Path fakes = Files.createDirectories(root.resolve("fakes"));
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = " + toml(enable) + "\n");
        Files.writeString(config.resolve("profiles/default.toml"),
                "commands = []\n" + profileExtra + "\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        for (String tool : fakeTools) installFake(fakes, tool);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", fakes + ":/usr/bin:/bin");
        Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()));
        return new Proxy(root, work, fakes, d, env);
    }

    /** Wraps a daemon started by a test with its own config (the workspace differs from {@code work}). */
    static Proxy wrap(Path tmp, Path work, Daemon d) throws IOException {
        return new Proxy(tmp.toRealPath(), work, tmp.toRealPath().resolve("fakes"), d, System.getenv());
    }

    static void installFake(Path dir, String tool) throws IOException {
        try (InputStream in = Proxy.class.getResourceAsStream("/fakes/fake-tool.sh")) {
            Path p = dir.resolve(tool);
            Files.write(p, in.readAllBytes());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static String toml(List<String> l) {
        return "[" + String.join(", ", l.stream().map(s -> "\"" + s + "\"").toList()) + "]";
    }

    Path socket() {
        return daemon.directory().socketOf("default");
    }

    Result run(Path cwd, String command, String... args) throws IOException {
        return run(cwd, command, List.of(args), Map.of(), new byte[0]);
    }

    /**
     * Every attack's command line is also judged by {@code airlock test --no-daemon} on the same
     * config and PATH, before the daemon runs it: the dry run must give the daemon's verdict, with
     * the same layer, rule and reason (issue 11: one judge for both).
     */
    Result run(Path cwd, String command, List<String> args, Map<String, String> env, byte[] stdin) throws IOException {
        String dryRun = dryRunVerdict(cwd, command, args);
        Result r = send(cwd, command, args, env, stdin);
        String daemonSaid = r.exit() == 126 || r.exit() == 127 ? r.err().strip() : "allowed";
        if (!daemonSaid.contains("hook layer") && !dryRun.equals(daemonSaid)) {
            throw new AssertionError("airlock test disagrees with the daemon on " + command + " " + args
                    + "\n  airlock test: " + dryRun + "\n  daemon:       " + daemonSaid);
        }
        return r;
    }

    private String dryRunVerdict(Path cwd, String command, List<String> args) {
        List<String> cli = new java.util.ArrayList<>(List.of("test", "--no-daemon", "--config", daemon.directory().root().toString(),
                "--cwd", cwd.toString(), "default", command));
        cli.addAll(args);
        var out = new java.io.StringWriter();
        var cl = airlock.cli.Airlock.commandLine(new airlock.cli.Host(daemonEnv, "Linux", root, cwd));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        cl.execute(cli.toArray(String[]::new));
        return out.toString().lines().filter(l -> l.startsWith("verdict: ")).map(l -> l.substring("verdict: ".length()))
                .findFirst().orElse("(no verdict: " + out + ")");
    }

    private Result send(Path cwd, String command, List<String> args, Map<String, String> env, byte[] stdin) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
            OutputStream rawOut = Channels.newOutputStream(ch);
            FrameWriter w = new FrameWriter(rawOut);
            FrameReader r = new FrameReader(new InputStream() {
                @Override public int read() throws IOException {
                    byte[] b = new byte[1];
                    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
                }
                @Override public int read(byte[] b, int off, int len) throws IOException {
                    return ch.read(ByteBuffer.wrap(b, off, len));
                }
            });
            w.write(FrameType.REQUEST, new Request(Request.Mode.RUN, command, args, cwd.toString(), env, "", false).encode());
            try {
                if (stdin.length > 0) w.data(FrameType.STDIN, stdin, 0, stdin.length);
                w.write(FrameType.STDIN_EOF, new byte[0]);
            } catch (IOException e) {
                // refused before reading stdin: the daemon already closed its side for writing
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            while (true) {
                Frame f = r.read();
                if (f == null) throw new IOException("daemon closed the connection");
                switch (f.type()) {
                    case STDOUT -> out.write(f.payload());
                    case STDERR -> err.write(f.payload());
                    case EXIT -> {
                        Payload p = new Payload(f.payload());
                        int status = p.i32();
                        int signal = p.i32();
                        return new Result(signal > 0 ? 128 + signal : status, out.toString(), err.toString());
                    }
                    case REFUSAL -> {
                        Payload p = new Payload(f.payload());
                        int code = p.i32();
                        return new Result(code, out.toString(), err + p.string() + "\n");
                    }
                    default -> throw new IOException("unexpected frame " + f.type());
                }
            }
        }
    }

    /** Through the real shim process, as a container runs it. */
    Result shim(Path cwd, String command, List<String> args, byte[] stdin) throws Exception {
        var r = ShimRunner.run(ShimRunner.builder(socket(), cwd, command, args, Map.of()), stdin);
        return new Result(r.exit(), r.out(), r.err());
    }

    /** What the fake tool recorded for its last run: argv (one per line), env, stdin. */
    FakeCall lastCall(String tool) throws IOException {
        Path log = fakes.resolve(tool + ".calls");
        if (!Files.exists(log)) return null;
        return FakeCall.parse(Files.readString(log));
    }

    /** How many times the fake tool ran. */
    int calls(String tool) throws IOException {
        Path log = fakes.resolve(tool + ".calls");
        if (!Files.exists(log)) return 0;
        String text = Files.readString(log);
        int n = 0;
        for (int i = text.indexOf("=== call\n"); i >= 0; i = text.indexOf("=== call\n", i + 1)) n++;
        return n;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
