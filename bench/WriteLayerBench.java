import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.vault.Vault;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/sandbox.sh, the private write layer: the same writable python3 run through a real daemon,
 * once in the plain sandbox (the module is given no secret: no layer) and once holding a vault
 * secret (its writes go to the private overlay layer, are scanned, then applied), interleaved in
 * the same run. Two scripts: one that writes a small file, one that writes 20 MB (the scan reads
 * what was written). Prints a markdown table. Args: RUNS WORKDIR.
 */
public final class WriteLayerBench {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path root = Path.of(args[1]).toRealPath();
        Path config = root.resolve("config");
        Path work = Files.createDirectories(root.resolve("work"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        String sandbox = "[sandbox]\nnetwork = false\nwritable = true\ntimeout_s = 60\nmemory_mb = 512\nprocesses = 64\noutput_mb = 16\n";
        for (String name : List.of("box-plain", "box-layer")) {
            Files.writeString(config.resolve("commands/" + name + ".toml"), "[command]\nbin = \"/usr/bin/python3\"\n[deny]\nargs = []\n" + sandbox);
        }
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"box-plain\", \"box-layer\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[secrets.box-layer]\nenv = { TOKEN = \"bench_token\" }\n[mounts]\n\""
                + work + "\" = \"" + work + "\"\n");
        Vault.at(new ConfigDirectory(config).vaultDir()).set("bench_token", "bench-secret-value-0123456789".getBytes(StandardCharsets.UTF_8), "bench");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin");
        Map<String, String> scripts = Map.of(
                "`python3` writing one small file", "open('small.txt', 'w').write('result 42\\n')",
                "`python3` writing 20 MB", "open('big.bin', 'wb').write(b'0123456789abcdef' * (20 * 65536))");
        try (Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()))) {
            Path sock = d.directory().socketOf("default");
            System.out.println("| writable run | median | min | max | ratio to the plain sandbox |");
            System.out.println("|---|---|---|---|---|");
            for (var s : List.of("`python3` writing one small file", "`python3` writing 20 MB")) {
                List<String> a = List.of("-c", scripts.get(s));
                for (int i = 0; i < 3; i++) { call(sock, "box-plain", a, work); call(sock, "box-layer", a, work); } // warm-up
                long[] plain = new long[runs], layer = new long[runs];
                for (int i = 0; i < runs; i++) {
                    // interleaved, so load on the machine falls on both alike
                    plain[i] = call(sock, "box-plain", a, work);
                    layer[i] = call(sock, "box-layer", a, work);
                }
                java.util.Arrays.sort(plain);
                java.util.Arrays.sort(layer);
                System.out.printf("| %s, plain sandbox (baseline) | %.1f ms | %.1f ms | %.1f ms | 1.0× |%n", s, ms(plain[runs / 2]), ms(plain[0]), ms(plain[runs - 1]));
                System.out.printf("| %s, private write layer | %.1f ms | %.1f ms | %.1f ms | %.2f× (+%.1f ms) |%n", s, ms(layer[runs / 2]), ms(layer[0]),
                        ms(layer[runs - 1]), (double) layer[runs / 2] / plain[runs / 2], ms(layer[runs / 2] - plain[runs / 2]));
            }
        }
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** One request over the socket; returns the nanoseconds from connect to EXIT. */
    static long call(Path sock, String command, List<String> args, Path cwd) throws IOException {
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
                if (f.type() == FrameType.REFUSAL) throw new IOException(command + " refused: " + new Payload(f.payload()).i32());
            }
        }
    }
}
