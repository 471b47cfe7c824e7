import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.vault.Vault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
        // a root daemon's writable run is the workspace owner's and never root's (docs/sandbox.md):
        // as root, the workspace is given to a person, uid 1000, as the sandbox tests do
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
            Files.setAttribute(work, "unix:uid", 1000);
            Files.setAttribute(work, "unix:gid", 1000);
        }
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
                for (int i = 0; i < 3; i++) { SocketCall.timed(sock, "box-plain", a, work); SocketCall.timed(sock, "box-layer", a, work); } // warm-up
                long[] plain = new long[runs], layer = new long[runs];
                for (int i = 0; i < runs; i++) {
                    // interleaved, so load on the machine falls on both alike
                    plain[i] = SocketCall.timed(sock, "box-plain", a, work);
                    layer[i] = SocketCall.timed(sock, "box-layer", a, work);
                }
                java.util.Arrays.sort(plain);
                java.util.Arrays.sort(layer);
                System.out.printf("| %s, plain sandbox (baseline) | %.1f ms | %.1f ms | %.1f ms | 1.0× |%n", s, SocketCall.ms(plain[runs / 2]), SocketCall.ms(plain[0]), SocketCall.ms(plain[runs - 1]));
                System.out.printf("| %s, private write layer | %.1f ms | %.1f ms | %.1f ms | %.2f× (+%.1f ms) |%n", s, SocketCall.ms(layer[runs / 2]), SocketCall.ms(layer[0]),
                        SocketCall.ms(layer[runs - 1]), (double) layer[runs / 2] / plain[runs / 2], SocketCall.ms(layer[runs / 2] - plain[runs / 2]));
            }
        }
    }
}
