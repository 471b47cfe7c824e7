import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;
import airlock.protocol.Request;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for bench/run.sh: speaks the wire protocol in-process (with the shim's own protocol
 * classes) so thousands of sessions cost the daemon's time, not a JVM start each. Every loop is
 * bounded by its argument. Prints "key value" lines for the script.
 *
 *   java -cp airlock-shim.jar bench/Load.java SOCKET CWD DAEMON_PID concurrent N CMD ARGS...
 *   java -cp airlock-shim.jar bench/Load.java SOCKET CWD DAEMON_PID sequential N CMD ARGS...
 *   java -cp airlock-shim.jar bench/Load.java SOCKET CWD DAEMON_PID overhead N
 */
public class Load {
    record Outcome(boolean ok, long firstOutputNanos, String error) {}

    public static void main(String[] a) throws Exception {
        Path socket = Path.of(a[0]);
        String cwd = a[1];
        long daemonPid = Long.parseLong(a[2]);
        String mode = a[3];
        int n = Integer.parseInt(a[4]);
        List<String> cmd = Arrays.asList(a).subList(5, a.length);
        switch (mode) {
            case "concurrent" -> concurrent(socket, cwd, daemonPid, n, cmd);
            case "sequential" -> sequential(socket, cwd, daemonPid, n, cmd);
            case "overhead" -> overhead(socket, cwd, n);
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /** N sessions opened at once (released together by a latch); the daemon sampled meanwhile. */
    static void concurrent(Path socket, String cwd, long pid, int n, List<String> cmd) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        // Platform threads with blocking connects, as N separate shim processes would do: a
        // virtual thread's connect is non-blocking and fails with EAGAIN once the listen backlog
        // is full, where a real shim waits its turn.
        for (int i = 0; i < n; i++) {
            Thread.ofPlatform().stackSize(256 * 1024).start(() -> {
                try {
                    go.await();
                    Outcome o = session(socket, cwd, cmd);
                    if (!o.ok()) { failures.incrementAndGet(); errors.add(o.error()); }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    errors.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        AtomicLong maxRss = new AtomicLong();
        AtomicLong maxThreads = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxRss.accumulateAndGet(status(pid, "VmRSS"), Math::max);
                maxThreads.accumulateAndGet(status(pid, "Threads"), Math::max);
                try { Thread.sleep(20); } catch (InterruptedException e) { return; }
            }
        });
        long rssBefore = status(pid, "VmRSS");
        long threadsBefore = status(pid, "Threads");
        long t0 = System.nanoTime();
        go.countDown();
        boolean finished = done.await(120, TimeUnit.SECONDS);
        long wall = System.nanoTime() - t0;
        sampler.interrupt();
        System.out.println("sessions " + n);
        System.out.println("wall_ms " + wall / 1_000_000);
        System.out.println("failures " + (failures.get() + (finished ? 0 : (int) done.getCount())));
        System.out.println("rss_kb_before " + rssBefore);
        System.out.println("rss_kb_max " + maxRss.get());
        System.out.println("threads_before " + threadsBefore);
        System.out.println("threads_max " + maxThreads.get());
        if (!errors.isEmpty()) System.out.println("first_error " + errors.get(0).replace('\n', ' '));
    }

    /** N sessions one after another; the daemon's open descriptors before and after. */
    static void sequential(Path socket, String cwd, long pid, int n, List<String> cmd) throws Exception {
        session(socket, cwd, cmd); // the first session loads classes and opens the audit log, say
        Thread.sleep(200);
        long fdsBefore = fds(pid);
        int failures = 0;
        String firstError = null;
        long[] each = new long[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            Outcome o = session(socket, cwd, cmd);
            each[i] = System.nanoTime() - s;
            if (!o.ok()) { failures++; if (firstError == null) firstError = o.error(); }
        }
        long wall = System.nanoTime() - t0;
        Thread.sleep(500); // sessions finish their audit write after the exit frame
        long fdsAfter = fds(pid);
        Arrays.sort(each);
        System.out.println("sessions " + n);
        System.out.println("wall_ms " + wall / 1_000_000);
        System.out.println("failures " + failures);
        System.out.println("session_p50_us " + each[n / 2] / 1000);
        System.out.println("session_p99_us " + each[(int) (n * 0.99)] / 1000);
        System.out.println("fds_before " + fdsBefore);
        System.out.println("fds_after " + fdsAfter);
        System.out.println("threads_after " + status(pid, "Threads"));
        System.out.println("rss_kb_after " + status(pid, "VmRSS"));
        if (firstError != null) System.out.println("first_error " + firstError.replace('\n', ' '));
    }

    /**
     * Daemon-side overhead, measured from outside: time from sending the request to the first
     * stdout byte of {@code echo x} through the daemon, minus the same for {@code echo x} spawned
     * directly by this JVM (ProcessBuilder, as the daemon does). Both warm, interleaved.
     */
    static void overhead(Path socket, String cwd, int n) throws Exception {
        String echo = Files.isExecutable(Path.of("/usr/bin/echo")) ? "/usr/bin/echo" : "/bin/echo";
        long[] via = new long[n];
        long[] direct = new long[n];
        for (int i = 0; i < 50; i++) { session(socket, cwd, List.of("echo", "x")); directFirstByte(echo); }
        int failures = 0;
        for (int i = 0; i < n; i++) {
            Outcome o = session(socket, cwd, List.of("echo", "x"));
            if (!o.ok()) failures++;
            via[i] = o.firstOutputNanos();
            direct[i] = directFirstByte(echo);
        }
        Arrays.sort(via);
        Arrays.sort(direct);
        System.out.println("samples " + n);
        System.out.println("failures " + failures);
        System.out.println("via_p50_us " + via[n / 2] / 1000);
        System.out.println("via_p99_us " + via[(int) (n * 0.99)] / 1000);
        System.out.println("direct_p50_us " + direct[n / 2] / 1000);
        System.out.println("direct_p99_us " + direct[(int) (n * 0.99)] / 1000);
        System.out.println("overhead_p50_us " + (via[n / 2] - direct[n / 2]) / 1000);
        System.out.println("overhead_p99_us " + (via[(int) (n * 0.99)] - direct[(int) (n * 0.99)]) / 1000);
    }

    static long directFirstByte(String echo) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(echo, "x").redirectErrorStream(true).start();
        InputStream in = p.getInputStream();
        in.read();
        long t = System.nanoTime() - t0;
        in.readAllBytes();
        p.waitFor();
        return t;
    }

    /** One session as the shim runs it: request, stdin EOF, frames until EXIT or REFUSAL. */
    static Outcome session(Path socket, String cwd, List<String> cmd) {
        long t0 = System.nanoTime();
        long first = -1;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream os = Channels.newOutputStream(ch);
            InputStream is = new InputStream() {
                @Override public int read() throws IOException {
                    byte[] b = new byte[1];
                    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
                }
                @Override public int read(byte[] b, int off, int len) throws IOException {
                    return ch.read(ByteBuffer.wrap(b, off, len));
                }
            };
            FrameWriter w = new FrameWriter(os);
            FrameReader r = new FrameReader(is);
            Request req = new Request(Request.Mode.RUN, cmd.get(0), cmd.subList(1, cmd.size()), cwd,
                    Map.of("PATH", "/usr/bin:/bin"), "", false);
            w.write(FrameType.REQUEST, req.encode());
            w.write(FrameType.STDIN_EOF, new byte[0]);
            while (true) {
                Frame f = r.read();
                if (f == null) return new Outcome(false, first, "connection closed before EXIT");
                switch (f.type()) {
                    case STDOUT, STDERR -> { if (first < 0) first = System.nanoTime() - t0; }
                    case EXIT -> {
                        Payload p = new Payload(f.payload());
                        int status = p.i32();
                        return new Outcome(status == 0, first, status == 0 ? null : "exit " + status);
                    }
                    case REFUSAL -> {
                        Payload p = new Payload(f.payload());
                        p.i32();
                        return new Outcome(false, first, p.string());
                    }
                    default -> { return new Outcome(false, first, "unexpected " + f.type()); }
                }
            }
        } catch (IOException e) {
            return new Outcome(false, first, e.toString());
        }
    }

    static long status(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static long fds(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        }
    }
}
