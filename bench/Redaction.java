import airlock.daemon.redact.RedactedOutput;
import airlock.daemon.redact.RedactingStream;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;
import airlock.daemon.vault.RunSecrets;
import airlock.daemon.vault.Vault;
import airlock.rules.ConfigLoader;
import airlock.rules.Profile;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * In-process figures for bench/redaction.sh: the same bytes written in 64 KiB chunks (the pump's
 * frame size) to a sink directly and through a RedactingStream with five secrets, alternating,
 * timed in the thread's own CPU time (the machine is shared, wall time measures the neighbours),
 * and through the RedactedOutput the pumps use (both streams and their merged order, with the
 * hold), and the cost of preparing five injected secrets for one run (read and decrypt from a vault
 * on disk, write one file, build the redactor, remove the file). Prints "key value" lines.
 *
 *   java -cp CLASSES bench/Redaction.java BYTES RUNS CALLS
 */
public class Redaction {
    static final int CHUNK = 64 * 1024;

    /** Counts what it is given, so the JIT cannot drop the work. */
    static final class Sink extends OutputStream {
        long bytes;
        int check;
        @Override public void write(int b) { bytes++; check += b; }
        @Override public void write(byte[] b, int off, int len) { bytes += len; check += b[off]; }
    }

    public static void main(String[] a) throws Exception {
        long total = Long.parseLong(a[0]);
        int runs = Integer.parseInt(a[1]);
        int calls = Integer.parseInt(a[2]);
        Random random = new Random(42);
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (String name : List.of("github_token", "aws_secret", "npm_token", "kube_token", "db_password")) {
            StringBuilder s = new StringBuilder("tk_");
            for (int i = 0; i < 40; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            secrets.put(name, s.toString().getBytes(StandardCharsets.US_ASCII));
        }
        Redactor redactor = Redactor.of(secrets);
        System.out.println("states " + redactor.toString().replaceAll(".*\\((\\d+) states\\)", "$1"));
        // "off" is the pump's own work without redaction: each 64 KiB chunk copied into a frame buffer

        byte[] zeros = new byte[CHUNK];
        byte[] text = logText(random, 4 * 1024 * 1024);
        for (var data : List.of(Map.entry("zeros", zeros), Map.entry("text", text))) {
            List<Double> off = new ArrayList<>(), on = new ArrayList<>(), merged = new ArrayList<>();
            for (int r = 0; r < runs + 1; r++) {
                double plain = throughput(data.getValue(), total, null);
                double redacted = throughput(data.getValue(), total, redactor);
                double both = mergedThroughput(data.getValue(), total, redactor);
                if (r == 0) continue; // warm-up
                off.add(plain);
                on.add(redacted);
                merged.add(both);
            }
            System.out.printf("%s_off_mib_s %.0f %.0f %.0f%n", data.getKey(), median(off), min(off), max(off));
            System.out.printf("%s_on_mib_s %.0f %.0f %.0f%n", data.getKey(), median(on), min(on), max(on));
            System.out.printf("%s_ratio %.2f%n", data.getKey(), median(on) / median(off));
            System.out.printf("%s_merged_mib_s %.0f %.0f %.0f%n", data.getKey(), median(merged), min(merged), max(merged));
            System.out.printf("%s_merged_vs_on %.2f%n", data.getKey(), median(merged) / median(on));
        }

        Path dir = Files.createTempDirectory("airlock-bench-vault");
        try {
            Vault vault = Vault.at(dir.resolve("vault"));
            for (var e : secrets.entrySet()) vault.set(e.getKey(), e.getValue(), "");
            Profile profile = ConfigLoader.profile("bench", "bench.toml", """
                    commands = []
                    [secrets.tool]
                    env = { GH_TOKEN = "github_token", AWS_SECRET_ACCESS_KEY = "aws_secret", NPM_TOKEN = "npm_token", PGPASSWORD = "db_password" }
                    files = { KUBE_TOKEN_FILE = "kube_token" }
                    """);
            long[] prepare = new long[calls], build = new long[calls];
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] wall = new long[calls];
            for (int i = -calls / 4; i < calls; i++) {
                long w0 = System.nanoTime();
                long t0 = mx.getCurrentThreadCpuTime();
                try (RunSecrets s = RunSecrets.prepare(vault, profile, "tool")) {
                    if (s.env().size() != 5) throw new IllegalStateException("expected five variables");
                }
                long t1 = mx.getCurrentThreadCpuTime();
                long w1 = System.nanoTime();
                Redactor.of(secrets);
                long t2 = mx.getCurrentThreadCpuTime();
                if (i >= 0) {
                    prepare[i] = t1 - t0;
                    build[i] = t2 - t1;
                    wall[i] = w1 - w0;
                }
            }
            Arrays.sort(prepare);
            Arrays.sort(wall);
            System.out.printf("prepare5_wall_us %.0f %.0f %.0f%n", wall[calls / 2] / 1e3, wall[0] / 1e3, wall[calls * 99 / 100] / 1e3);
            Arrays.sort(build);
            System.out.printf("prepare5_us %.0f %.0f %.0f%n", prepare[calls / 2] / 1e3, prepare[0] / 1e3, prepare[calls * 99 / 100] / 1e3);
            System.out.printf("redactor5_us %.0f %.0f %.0f%n", build[calls / 2] / 1e3, build[0] / 1e3, build[calls * 99 / 100] / 1e3);
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** MiB per CPU second (the thread's own CPU time: the machine is shared) for {@code total} bytes of {@code data} (repeated) written in 64 KiB chunks. */
    static double throughput(byte[] data, long total, Redactor r) throws Exception {
        Sink sink = new Sink();
        byte[] frame = new byte[CHUNK + 5];
        OutputStream out = r == null ? sink : r.stream(sink, new RedactionCounts());
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        long sent = 0;
        int at = 0;
        while (sent < total) {
            int n = (int) Math.min(CHUNK, total - sent);
            if (at + n > data.length) at = 0;
            if (r == null) {
                System.arraycopy(data, at, frame, 5, n); // what FrameWriter does with every chunk
                sink.write(frame, 5, n);
            } else {
                out.write(data, at, n);
            }
            at = (at + n) % data.length;
            sent += n;
        }
        if (out instanceof RedactingStream s) s.finish();
        long t1 = mx.getCurrentThreadCpuTime();
        if (sink.bytes != total) throw new IllegalStateException("sink got " + sink.bytes + " of " + total + " bytes");
        return total / 1048576.0 / ((t1 - t0) / 1e9);
    }

    /**
     * The same through RedactedOutput, as ToolRun uses it since issue 22: both streams' views and
     * their merged order, every byte held until 16 KiB more came (the stream never pauses, so the
     * hold's clock never releases anything). All on stdout, as the proxy figure's `head` writes.
     */
    static double mergedThroughput(byte[] data, long total, Redactor r) throws Exception {
        Sink sink = new Sink();
        RedactedOutput out = r.output((stream, b, off, len) -> sink.write(b, off, len), new RedactionCounts(), System::nanoTime);
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        long sent = 0;
        int at = 0;
        while (sent < total) {
            int n = (int) Math.min(CHUNK, total - sent);
            if (at + n > data.length) at = 0;
            out.write(RedactedOutput.Stream.STDOUT, data, at, n);
            at = (at + n) % data.length;
            sent += n;
        }
        out.end(RedactedOutput.Stream.STDERR);
        out.end(RedactedOutput.Stream.STDOUT);
        long t1 = mx.getCurrentThreadCpuTime();
        if (sink.bytes != total) throw new IllegalStateException("sink got " + sink.bytes + " of " + total + " bytes");
        return total / 1048576.0 / ((t1 - t0) / 1e9);
    }

    /** Log-like output: words, paths, hex ids and base64 blobs, which keep the matcher busy. */
    static byte[] logText(Random random, int size) {
        String[] words = {"INFO", "DEBUG", "request", "completed", "status=200", "user", "repo", "refs/heads/main",
                "Compressing", "objects:", "100%", "done.", "Writing", "remote:", "Resolving", "deltas", "/usr/lib/x86_64"};
        String b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder s = new StringBuilder(size + 200);
        while (s.length() < size) {
            for (int i = 0; i < 8; i++) s.append(words[random.nextInt(words.length)]).append(' ');
            s.append(String.format("%016x ", random.nextLong()));
            for (int i = 0; i < 44; i++) s.append(b64.charAt(random.nextInt(64)));
            s.append('\n');
        }
        return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static double median(List<Double> v) { var s = v.stream().sorted().toList(); return s.get(s.size() / 2); }
    static double min(List<Double> v) { return v.stream().mapToDouble(d -> d).min().orElse(0); }
    static double max(List<Double> v) { return v.stream().mapToDouble(d -> d).max().orElse(0); }
}
