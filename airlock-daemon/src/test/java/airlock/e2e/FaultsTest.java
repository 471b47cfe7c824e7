package airlock.e2e;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.SocketClient;
import airlock.daemon.audit.AuditFiles;
import airlock.daemon.ShimRunner;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults and hostile clients against a real daemon (issue 7): killed callers, a killed daemon,
 * broken frames, silent and non-reading clients, a thousand connections at once. Bounds are
 * generous (a loaded 2-core machine) but each fails when the property breaks.
 */
class FaultsTest {
    @TempDir Path tmp;
    Workbench bench;

    @BeforeEach
    void start() throws Exception {
        bench = new Workbench(tmp.resolve("bench")).start(new Daemon.Settings(Daemon.Settings.DEFAULT.maxSessions(), Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() {
        bench.close();
    }

    ProcessBuilder shim(String command, String... args) {
        return ShimRunner.builder(bench.socket("agent"), bench.workspace, command, List.of(args), Map.of());
    }

    @Test
    void aCallerKilledMidStreamTakesTheHostTreeWithIt() throws Exception {
        long fdsBefore = openDescriptors();
        Path pids = bench.root.resolve("flood.pid");
        Process caller = shim("fake", "flood", pids.toString()).start();
        List<Long> tree = ProxyScenarios.awaitFile(pids).lines().map(Long::parseLong).toList();
        caller.getInputStream().readNBytes(1 << 20); // output is streaming
        caller.destroyForcibly();
        caller.waitFor();
        long killed = System.nanoTime();
        for (long pid : tree) assertThat(ProxyScenarios.gone(pid, 5_000)).as("host pid " + pid).isTrue();
        System.out.printf("host tree gone %d ms after the caller died%n", (System.nanoTime() - killed) / 1_000_000);
        assertThat(awaitRecord("flood")).isInstanceOfSatisfying(SessionRecord.Outcome.Ran.class, r -> assertThat(r.callerLost()).isTrue());
        assertThat(descriptorsSettleAt(fdsBefore)).as("daemon descriptors back to where they were").isTrue();
    }

    @Test
    void aDaemonKilledMidSessionEndsTheShimWith125AndARestartReplacesTheStaleSocket() throws Exception {
        bench.close(); // this test needs the daemon in its own process
        Process daemon = startDaemonProcess();
        try {
            Path pid = bench.root.resolve("sleep.pid");
            Process caller = shim("fake", "sleep", pid.toString(), "30").start();
            long tool = Long.parseLong(ProxyScenarios.awaitFile(pid).strip());
            daemon.destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            assertThat(caller.waitFor(5, TimeUnit.SECONDS)).as("shim ends when the daemon dies").isTrue();
            System.out.printf("shim ended %d ms after the daemon was killed%n", (System.nanoTime() - killed) / 1_000_000);
            assertThat(caller.exitValue()).isEqualTo(125);
            assertThat(new String(caller.getErrorStream().readAllBytes())).startsWith("airlock: ");
            airlock.daemon.core.Signals.send(tool, 9); // a SIGKILLed daemon cannot kill its tools: known limit
            assertThat(Files.exists(bench.socket("agent"))).as("stale socket left behind").isTrue();

            daemon = startDaemonProcess();
            var again = ShimRunner.run(shim("fake", "hello"), new byte[0]);
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).isEqualTo("fake: hello\n");
        } finally {
            daemon.destroyForcibly().waitFor();
        }
    }

    @Test
    void brokenFramesGetAClearRefusal() throws Exception {
        byte[] valid = new Request(Request.Mode.RUN, "fake", List.of("hello"), bench.workspace.toString(), Map.of(), "", false).encode();
        byte[] v2 = valid.clone();
        v2[3] = 2;
        assertThat(refusalFor(frame(1, v2))).isEqualTo("airlock: protocol error: protocol version 2 is not supported (this daemon speaks version 1); use the airlock-shim that came with this daemon");
        assertThat(refusalFor(new byte[]{(byte) 99, 0, 0, 0, 0})).isEqualTo("airlock: protocol error: unknown frame type 99");
        assertThat(refusalFor(new byte[]{2, 0, 0, 0, 0})).isEqualTo("airlock: protocol error: expected REQUEST frame, got STDIN");
        assertThat(refusalFor(new byte[]{1, 0, (byte) 0x20, 0, 0})).isEqualTo("airlock: protocol error: REQUEST frame of 2097152 bytes is over the limit of 1048576");
        byte[] truncated = java.util.Arrays.copyOf(frame(1, valid), 20);
        assertThat(refusalFor(truncated)).startsWith("airlock: protocol error: truncated REQUEST frame");
        byte[] malformed = frame(1, java.util.Arrays.copyOf(valid, valid.length - 2));
        assertThat(refusalFor(malformed)).startsWith("airlock: protocol error: ");
        Random random = new Random(1234);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk);
            String answer = refusalFor(junk);
            assertThat(answer).as("answer to random bytes #" + i).startsWith("airlock: protocol error: ");
        }
        assertThat(bench.fakeRuns()).isEmpty();
        assertThat(ShimRunner.run(shim("fake", "still-works"), new byte[0]).out()).isEqualTo("fake: still-works\n");
    }

    @Test
    void aSilentClientTimesOut() throws Exception {
        try (SocketChannel ch = connect()) {
            long start = System.nanoTime();
            String answer = readRefusal(ch, 10_000);
            assertThat(answer).isEqualTo("airlock: protocol error: no request within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void aClientThatNeverReadsStallsItsToolNotTheDaemon() throws Exception {
        Path progress = bench.root.resolve("progress");
        try (SocketChannel ch = connect()) {
            new FrameWriter(Channels.newOutputStream(ch)).write(FrameType.REQUEST,
                    new Request(Request.Mode.RUN, "fake", List.of("chunks", progress.toString()), bench.workspace.toString(), Map.of(), "", false).encode());
            ProxyScenarios.awaitFile(progress);
            Thread.sleep(2_000);
            int stalledAt = Integer.parseInt(Files.readString(progress).strip());
            Thread.sleep(1_000);
            assertThat(Integer.parseInt(Files.readString(progress).strip())).as("the tool is blocked, not buffered").isEqualTo(stalledAt);
            // 64 KiB chunks: the socket buffers, one pipe and one frame in flight hold a few MiB at most
            assertThat(stalledAt).isLessThan(160);
            var other = ShimRunner.run(shim("fake", "meanwhile"), new byte[0]);
            assertThat(other.out()).isEqualTo("fake: meanwhile\n");
        }
        assertThat(awaitRecord("chunks")).isInstanceOfSatisfying(SessionRecord.Outcome.Ran.class, r -> assertThat(r.callerLost()).isTrue());
    }

    @Test
    void aThousandConnectionsAtOnceEachGetAnAnswerAndARunningSessionIsUnaffected() throws Exception {
        Path pid = bench.root.resolve("long.pid");
        Process running = shim("fake", "sleep", pid.toString(), "4").start();
        ProxyScenarios.awaitFile(pid);
        List<SocketChannel> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) flood.add(connect());
            int busy = 0, timedOut = 0;
            for (SocketChannel ch : flood) {
                String answer = readRefusal(ch, 30_000);
                if (answer.startsWith("airlock: the daemon is busy")) busy++;
                else if (answer.equals("airlock: protocol error: no request within 1 s")) timedOut++;
                else throw new AssertionError("unexpected answer: " + answer);
            }
            assertThat(busy + timedOut).isEqualTo(1000);
            assertThat(timedOut).isPositive();
        } finally {
            for (SocketChannel ch : flood) ch.close();
        }
        assertThat(running.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(running.exitValue()).as(new String(running.getErrorStream().readAllBytes())).isZero();
        assertThat(ShimRunner.run(shim("fake", "after"), new byte[0]).out()).isEqualTo("fake: after\n");
    }

    /**
     * Allowed, refused and killed-mid-run requests, 90 at once: each leaves exactly one line in
     * the audit log on disk (the file, not the in-memory copy).
     */
    @Test
    void everyDecidedRequestLeavesExactlyOneAuditLineUnderLoadAndWhenCallersDie() throws Exception {
        int n = 90;
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    switch (k % 3) {
                        case 0 -> assertThat(SocketClient.run(bench.socket("agent"), "fake", List.of("say", "mark-" + k),
                                bench.workspace.toString()).exit()).isZero();
                        case 1 -> assertThat(SocketClient.run(bench.socket("agent"), "fake", List.of("forbidden", "mark-" + k),
                                bench.workspace.toString()).refusal()).contains("forbidden");
                        default -> killedMidRun(bench.root.resolve("mark-" + k + ".pid"));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : clients) t.join();
        assertThat(failures).isEmpty();
        Path log = AuditFiles.current(new ConfigDirectory(bench.config).auditDir());
        long deadline = System.currentTimeMillis() + 20_000;
        List<String> lines = List.of();
        while (System.currentTimeMillis() < deadline) {
            lines = Files.readAllLines(log);
            if (lines.stream().filter(l -> l.contains("mark-")).count() >= n) break;
            Thread.sleep(100);
        }
        Thread.sleep(500); // a second line for any request would have arrived by now
        lines = Files.readAllLines(log);
        for (int k = 0; k < n; k++) {
            String needle = k % 3 == 2 ? "mark-" + k + ".pid\"" : "\"mark-" + k + "\"";
            assertThat(lines.stream().filter(l -> l.contains(needle)).count()).as("audit lines for request " + k).isEqualTo(1);
        }
        assertThat(lines.stream().filter(l -> l.contains("\"forbidden\"")).count()).isEqualTo(n / 3);
    }

    /** Sends a request for a long run, waits until the tool is running, then vanishes. */
    void killedMidRun(Path pidFile) throws Exception {
        try (SocketChannel ch = connect()) {
            new FrameWriter(airlock.protocol.ChannelStreams.out(ch)).write(FrameType.REQUEST, new Request(Request.Mode.RUN, "fake",
                    List.of("sleep", pidFile.toString(), "30"), bench.workspace.toString(), Map.of(), "", false).encode());
            ProxyScenarios.awaitFile(pidFile);
        }
    }

    @Test
    void concurrentFalseSerializesTheCommandButNotOthers() throws Exception {
        Path serial = bench.root.resolve("serial.log");
        Path parallel = bench.root.resolve("parallel.log");
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(shim("serial", "span", serial.toString(), "1").start());
            runs.add(shim("fake", "span", parallel.toString(), "2").start());
        }
        for (Process p : runs) assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // serialized: each run ends before the next starts; the concurrent command overlaps
        assertThat(Files.readAllLines(serial)).containsExactly("start", "end", "start", "end", "start", "end");
        assertThat(Files.readAllLines(parallel)).startsWith("start", "start");
    }

    // ------------------------------------------------------------------ helpers

    SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(bench.socket("agent")));
    }

    static byte[] frame(int type, byte[] payload) {
        byte[] b = new byte[5 + payload.length];
        b[0] = (byte) type;
        b[1] = (byte) (payload.length >>> 24);
        b[2] = (byte) (payload.length >>> 16);
        b[3] = (byte) (payload.length >>> 8);
        b[4] = (byte) payload.length;
        System.arraycopy(payload, 0, b, 5, payload.length);
        return b;
    }

    String refusalFor(byte[] bytes) throws IOException {
        try (SocketChannel ch = connect()) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(bytes);
            out.flush();
            ch.shutdownOutput();
            return readRefusal(ch, 10_000);
        }
    }

    /** The REFUSAL's message, read with a deadline so a hang fails the test instead of blocking it. */
    static String readRefusal(SocketChannel ch, long timeoutMs) throws IOException {
        InputStream in = timeoutStream(ch, timeoutMs);
        Frame f = new FrameReader(in).read();
        if (f == null) throw new AssertionError("connection closed without a refusal");
        if (f.type() != FrameType.REFUSAL) throw new AssertionError("expected a REFUSAL, got " + f.type());
        Payload p = new Payload(f.payload());
        int code = p.i32();
        assertThat(code).isEqualTo(125);
        return p.string();
    }

    private static InputStream timeoutStream(SocketChannel ch, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        InputStream raw = Channels.newInputStream(ch);
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(Math.max(1, deadline - System.currentTimeMillis()));
                ch.close();
            } catch (InterruptedException | IOException e) {
                // read finished first
            }
        });
        return new InputStream() {
            @Override public int read() throws IOException {
                int b = raw.read();
                return b;
            }
            @Override public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return raw.read(b, off, len);
                } catch (IOException e) {
                    if (System.currentTimeMillis() >= deadline) throw new SocketTimeoutException("no answer within " + timeoutMs + " ms");
                    throw e;
                }
            }
            @Override public void close() {
                watchdog.interrupt();
            }
        };
    }

    SessionRecord.Outcome awaitRecord(String firstArg) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (SessionRecord r : bench.records) {
                if (r.request().isPresent() && r.request().get().args().getFirst().equals(firstArg)) return r.outcome();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no record for " + firstArg);
    }

    Process startDaemonProcess() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(airlock.cli.AirlockProcess.command("start", "--config", bench.config.toString()));
        pb.environment().clear();
        pb.environment().putAll(bench.daemonEnv());
        pb.redirectErrorStream(true).redirectOutput(bench.root.resolve("daemon.log").toFile());
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bench.socket("agent")))) {
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) throw new AssertionError("daemon exited: " + Files.readString(bench.root.resolve("daemon.log")));
                if (System.currentTimeMillis() > deadline) throw new AssertionError("daemon did not listen in 30 s");
                Thread.sleep(100);
            }
        }
    }

    static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static boolean descriptorsSettleAt(long before) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            if (openDescriptors() <= before + 2) return true;
            Thread.sleep(100);
        }
        System.out.println("descriptors: before " + before + ", now " + openDescriptors());
        return false;
    }
}
