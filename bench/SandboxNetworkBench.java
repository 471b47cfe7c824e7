import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/sandbox.sh, the user-mode network block (issue 21.7): `true` in the sandbox without a
 * network (network = false) against the same with network = true, which under a root daemon is a
 * network namespace of the run's own with pasta attached (made and deleted per run), and against
 * host_network = true, and against network = true with a network_allow (the namespace's firewall
 * set by iptables-restore, IPv4 and IPv6, per run). Interleaved in the same run. Args: RUNS WORKDIR.
 */
public final class SandboxNetworkBench {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path root = Files.createDirectories(Path.of(args[1])).toRealPath();
        Path config = root.resolve("config");
        Path work = Files.createDirectories(root.resolve("work"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Map<String, String> modules = Map.of("net-off", "network = false", "net-own", "network = true", "net-host", "host_network = true",
                "net-allow", "network = true\nnetwork_allow = [\"192.0.2.1:443\"]");
        for (var m : modules.entrySet()) {
            Files.writeString(config.resolve("commands/" + m.getKey() + ".toml"), "[command]\nbin = \"/usr/bin/true\"\n[deny]\nargs = []\n"
                    + "[sandbox]\n" + m.getValue() + "\nwritable = false\ntimeout_s = 60\nmemory_mb = 512\nprocesses = 64\noutput_mb = 16\n");
        }
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"net-off\", \"net-own\", \"net-host\", \"net-allow\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        List<String> order = List.of("net-off", "net-own", "net-host", "net-allow");
        try (Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()))) {
            Path sock = d.directory().socketOf("default");
            for (int i = 0; i < 5; i++) for (String m : order) SocketCall.timed(sock, m, List.of(), work); // warm-up
            long[][] t = new long[order.size()][runs];
            for (int i = 0; i < runs; i++) for (int m = 0; m < order.size(); m++) t[m][i] = SocketCall.timed(sock, order.get(m), List.of(), work);
            System.out.println("| `true` in the sandbox | median | min | max | ratio to network = false |");
            System.out.println("|---|---|---|---|---|");
            for (long[] x : t) java.util.Arrays.sort(x);
            for (int m = 0; m < order.size(); m++) {
                String what = switch (order.get(m)) {
                    case "net-off" -> "network = false (baseline)";
                    case "net-own" -> "network = true (own namespace, pasta)";
                    case "net-host" -> "host_network = true";
                    default -> "network = true, network_allow (its firewall)";
                };
                System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms | %.2f× |%n", what, SocketCall.ms(t[m][runs / 2]), SocketCall.ms(t[m][0]), SocketCall.ms(t[m][runs - 1]),
                        (double) t[m][runs / 2] / t[0][runs / 2]);
            }
        }
    }
}
