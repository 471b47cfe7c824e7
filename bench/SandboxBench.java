import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/sandbox.sh: one call through a real daemon, sandboxed against the same call unsandboxed,
 * in the same run. Modules "plain-X" and "box-X" run the same tool; box-X has [sandbox] (with the
 * python3 module's limits). Prints a markdown table of median/min/max latency and the ratio.
 * Args: RUNS WORKDIR.
 */
public final class SandboxBench {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path root = Path.of(args[1]).toRealPath();
        Path config = root.resolve("config");
        Path work = Files.createDirectories(root.resolve("work"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Map<String, String> tools = Map.of("true", "/usr/bin/true", "python", "/usr/bin/python3");
        List<String> names = new ArrayList<>();
        for (var t : tools.entrySet()) {
            String head = "[command]\nbin = \"" + t.getValue() + "\"\n[deny]\nargs = []\n";
            Files.writeString(config.resolve("commands/plain-" + t.getKey() + ".toml"), head);
            Files.writeString(config.resolve("commands/box-" + t.getKey() + ".toml"), head
                    + "[sandbox]\nnetwork = true\nwritable = false\ntimeout_s = 60\nmemory_mb = 512\nprocesses = 64\noutput_mb = 16\n");
            names.add("plain-" + t.getKey());
            names.add("box-" + t.getKey());
        }
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [" + String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList()) + "]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin");
        try (Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()))) {
            Path sock = d.directory().socketOf("default");
            System.out.println("| call | median | min | max | ratio to unsandboxed |");
            System.out.println("|---|---|---|---|---|");
            for (String tool : List.of("true", "python")) {
                List<String> a = tool.equals("python") ? List.of("-c", "pass") : List.of();
                for (int i = 0; i < 5; i++) { SocketCall.timed(sock, "plain-" + tool, a, work); SocketCall.timed(sock, "box-" + tool, a, work); } // warm-up
                long[] plain = new long[runs], box = new long[runs];
                for (int i = 0; i < runs; i++) {
                    // interleaved, so load on the machine falls on both alike
                    plain[i] = SocketCall.timed(sock, "plain-" + tool, a, work);
                    box[i] = SocketCall.timed(sock, "box-" + tool, a, work);
                }
                java.util.Arrays.sort(plain);
                java.util.Arrays.sort(box);
                String what = tool.equals("python") ? "`python3 -c pass`" : "`true`";
                System.out.printf("| %s unsandboxed (baseline) | %.1f ms | %.1f ms | %.1f ms | 1.0× |%n", what, SocketCall.ms(plain[runs / 2]), SocketCall.ms(plain[0]), SocketCall.ms(plain[runs - 1]));
                System.out.printf("| %s in the sandbox | %.1f ms | %.1f ms | %.1f ms | %.1f× |%n", what, SocketCall.ms(box[runs / 2]), SocketCall.ms(box[0]), SocketCall.ms(box[runs - 1]),
                        (double) box[runs / 2] / plain[runs / 2]);
            }
        }
    }
}
