package airlock.daemon;

import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Limits;
import airlock.protocol.Payload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One execution of the tool: starts it with an explicit argv (never a shell), pumps stdout and
 * stderr to the caller, the caller's stdin and signals to the tool, and kills the whole tree when
 * the caller goes away.
 */
final class ToolRun {
    record Result(int status, int signal, long bytesIn, long bytesOut) {}

    private ToolRun() {}

    static Result run(List<String> argv, Path cwd, Map<String, String> env, FrameReader in, FrameWriter out)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = pb.start();
        AtomicLong bytesOut = new AtomicLong();
        Thread stdout = Thread.ofVirtual().start(() -> pump(process.getInputStream(), FrameType.STDOUT, out, bytesOut));
        Thread stderr = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), FrameType.STDERR, out, bytesOut));
        AtomicLong bytesIn = new AtomicLong();
        Thread caller = Thread.ofVirtual().start(() -> fromCaller(in, process, bytesIn));
        try {
            stdout.join();
            stderr.join();
            int status = process.waitFor();
            // Java reports death by signal N as 128+N; the caller's shim turns signal into 128+N again.
            int signal = status > 128 && status < 128 + 65 ? status - 128 : 0;
            return new Result(status, signal, bytesIn.get(), bytesOut.get());
        } finally {
            // The caller thread is not interrupted: junixsocket closes a socket whose reader is
            // interrupted, and the EXIT frame is still to be sent. It ends when the session closes.
            if (process.isAlive()) Signals.killTree(process.toHandle());
        }
    }

    private static void pump(InputStream from, FrameType type, FrameWriter out, AtomicLong count) {
        byte[] buf = new byte[Limits.MAX_DATA];
        try (from) {
            int n;
            while ((n = from.read(buf)) > 0) {
                out.write(type, buf, 0, n);
                count.addAndGet(n);
            }
        } catch (IOException e) {
            // The caller is gone; fromCaller sees the disconnect and kills the tree.
        }
    }

    /** Caller frames: stdin data, end of stdin, signals. The end of the connection kills the tool. */
    private static void fromCaller(FrameReader in, Process process, AtomicLong count) {
        OutputStream stdin = process.getOutputStream();
        try {
            Frame f;
            while ((f = in.read()) != null) {
                switch (f.type()) {
                    case STDIN -> {
                        try {
                            stdin.write(f.payload());
                            stdin.flush();
                            count.addAndGet(f.payload().length);
                        } catch (IOException e) {
                            // The tool closed its stdin; keep reading for signals and the disconnect.
                        }
                    }
                    case STDIN_EOF -> closeQuietly(stdin);
                    case SIGNAL -> {
                        int sig = new Payload(f.payload()).i32();
                        if (Signals.forwardable(sig)) Signals.send(process.pid(), sig);
                    }
                    default -> throw new IOException("unexpected " + f.type() + " frame from the caller");
                }
            }
        } catch (IOException e) {
            // Broken or hostile peer: treated like a disconnect.
        }
        if (process.isAlive()) Signals.killTree(process.toHandle());
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed by the tool
        }
    }
}
