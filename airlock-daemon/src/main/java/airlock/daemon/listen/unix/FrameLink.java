package airlock.daemon.listen.unix;

import airlock.daemon.core.Caller;
import airlock.daemon.pipeline.CallerLink;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Payload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A caller on a unix socket, as the pipeline sees it: output and notices go out as STDOUT and
 * STDERR frames, the caller's STDIN, STDIN_EOF and SIGNAL frames come in; anything else, or a
 * broken frame, is the caller gone. The writer is the call's only one (a stop of the profile
 * writes its refusal through it too), so frames never interleave.
 */
public final class FrameLink implements CallerLink {
    private final Caller caller;
    private final FrameReader in;
    private final FrameWriter out;
    /** The caller's process, while the kernel has it: gone when it ends, even if the socket lingers. */
    private final Optional<ProcessHandle> process;
    private volatile boolean ended;

    public FrameLink(Caller caller, FrameReader in, FrameWriter out) {
        this.caller = caller;
        this.in = in;
        this.out = out;
        this.process = caller.known() ? ProcessHandle.of(caller.pid()) : Optional.empty();
        // a known pid the kernel no longer has: the caller is gone already
        if (caller.known() && process.isEmpty()) ended = true;
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public void write(Output stream, byte[] b, int off, int len) throws IOException {
        out.write(stream == Output.STDOUT ? FrameType.STDOUT : FrameType.STDERR, b, off, len);
    }

    @Override
    public void notice(String line) throws IOException {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        out.data(FrameType.STDERR, b, 0, b.length);
    }

    @Override
    public FromCaller receive() {
        try {
            Frame f = in.read();
            if (f == null) return ended();
            return switch (f.type()) {
                case STDIN -> new FromCaller.Stdin(f.payload());
                case STDIN_EOF -> new FromCaller.EndOfStdin();
                case SIGNAL -> {
                    Payload p = new Payload(f.payload());
                    int sig = p.i32();
                    p.end();
                    yield new FromCaller.Signal(sig);
                }
                // a broken or hostile peer: treated like a disconnect
                default -> ended();
            };
        } catch (IOException e) {
            return ended();
        }
    }

    private FromCaller ended() {
        ended = true;
        return new FromCaller.Gone();
    }

    /** The shim's call ends with {@code status} (it exits with it); the run it started goes on, kept for an answer. */
    @Override
    public boolean detach(int status) throws IOException {
        out.exit(status, 0);
        return true;
    }

    @Override
    public boolean gone() {
        return ended || process.isPresent() && !process.get().isAlive();
    }
}
