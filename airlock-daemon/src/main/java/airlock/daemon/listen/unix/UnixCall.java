package airlock.daemon.listen.unix;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.core.Caller;
import airlock.daemon.core.Refusal;
import airlock.daemon.pipeline.Finish;
import airlock.daemon.pipeline.Intake;
import airlock.daemon.pipeline.OpenCalls;
import airlock.daemon.pipeline.Pipeline;
import airlock.daemon.pipeline.Reply;
import airlock.daemon.pipeline.ToolRun;
import airlock.protocol.ChannelStreams;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.ProtocolException;
import airlock.protocol.Request;
import airlock.protocol.Verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection on a profile's socket: the unix listener's codec around the {@link Pipeline}.
 * It reads the caller's credentials from the kernel and its REQUEST frame (within a time-out),
 * hands both to the pipeline with a {@link FrameLink}, and renders the {@link Finish} the
 * pipeline returns as the connection's last frames. Nothing below it sees a frame.
 */
public final class UnixCall implements Runnable {
    /** How long after a stop's refusal a caller that does not read is cut off. */
    static final Duration GRACE = Duration.ofMillis(500);

    private final SocketChannel socket;
    private final String profileName;
    private final Pipeline pipeline;
    private final Duration firstFrameTimeout;
    private final PrintStream log;
    /** Registered with the profile's open calls; empty on a stopped profile's socket (every request refused with why). */
    private final java.util.Optional<OpenCalls.Call> call;
    private final FrameWriter out;

    private UnixCall(SocketChannel socket, String profileName, Pipeline pipeline, Duration firstFrameTimeout, PrintStream log,
                     OpenCalls calls) {
        this.socket = socket;
        this.profileName = profileName;
        this.pipeline = pipeline;
        this.firstFrameTimeout = firstFrameTimeout;
        this.log = log;
        this.out = new FrameWriter(ChannelStreams.out(socket));
        this.call = calls.enter(profileName, this::stop);
    }

    /**
     * A connection on {@code profileName}'s socket, registered with its open calls so a stop of
     * the profile ends it. When the profile is being stopped (or this is the socket kept for an
     * expired or revoked profile), the caller is told why and nothing is judged or run.
     */
    public static UnixCall of(SocketChannel socket, String profileName, Pipeline pipeline, Duration firstFrameTimeout,
                              PrintStream log, OpenCalls calls) {
        return new UnixCall(socket, profileName, pipeline, firstFrameTimeout, log, calls);
    }

    /** Refuses a connection before any call is made of it (the daemon is busy): one REFUSAL frame, then closed. */
    public static void refuse(SocketChannel s, int code, String message) {
        try (s) {
            new FrameWriter(ChannelStreams.out(s)).refusal(code, message);
        } catch (IOException e) {
            // the caller left already
        }
    }

    @Override
    public void run() {
        try (socket) {
            try {
                // one reader for the whole connection: stdin frames may follow the request at once
                FrameReader in = new FrameReader(ChannelStreams.in(socket));
                Caller caller = Caller.UNKNOWN;
                Intake intake;
                try {
                    caller = PeerCredentials.caller(socket);
                    intake = readRequest(in);
                } catch (IOException e) {
                    intake = new Intake.Lost(e.toString());
                }
                FrameLink link = new FrameLink(caller, in, out);
                ToolRun.ProcessStart starts = call.map(OpenCalls.Call::starts).orElse(ProcessBuilder::start);
                render(pipeline.serve(profileName, intake, link, starts, call.isEmpty()));
            } finally {
                call.ifPresent(OpenCalls.Call::close);
                // close(2) does not wake a thread blocked in read(2) on the same socket; shutdown does,
                // so the caller-input reader ends before the descriptor is closed and reused.
                shutdownQuietly();
            }
        } catch (IOException e) {
            // the socket could not be closed: nothing left to tell anyone
        } catch (RuntimeException | Error e) {
            log.println("airlock: session on profile " + profileName + " failed: " + e);
        }
    }

    /** The pipeline's answer as the connection's last frames. */
    private void render(Finish f) {
        try {
            switch (f.reply()) {
                case Reply.Exit x -> {
                    warn(f);
                    out.exit(x.status(), x.signal());
                }
                case Reply.Verdict v -> {
                    // a check runs nothing, so it still answers when the record failed
                    out.write(FrameType.VERDICT, (v.allowed() ? Verdict.allow() : new Verdict(false, v.layer(), v.rule(), v.message())).encode());
                }
                case Reply.Refuse r -> out.refusal(r.refusal().exitCode(), f.withUnrecorded(r.refusal().message()));
                case Reply.Deliver d -> {
                    out.data(FrameType.STDOUT, d.stdout(), 0, d.stdout().length);
                    out.data(FrameType.STDERR, d.stderr(), 0, d.stderr().length);
                    warn(f);
                    out.exit(d.status(), d.signal());
                }
                case Reply.Withhold w -> {
                    byte[] msg = (w.refusal().message() + "\n").getBytes(StandardCharsets.UTF_8);
                    out.data(FrameType.STDERR, msg, 0, msg.length);
                    warn(f);
                    out.exit(ExitCodes.REFUSED, 0);
                }
                case Reply.Answer a -> {
                    out.data(FrameType.STDOUT, a.stdout(), 0, a.stdout().length);
                    warn(f);
                    out.exit(a.status(), 0);
                }
                case Reply.Silent s -> { }
            }
        } catch (IOException ex) {
            // the caller went away after the record was written: nobody left to tell
        }
    }

    private void warn(Finish f) throws IOException {
        if (f.warning().isEmpty()) return;
        byte[] msg = (f.warning().get() + "\n").getBytes(StandardCharsets.UTF_8);
        out.data(FrameType.STDERR, msg, 0, msg.length);
    }

    /**
     * A stop of the profile (expiry, revocation, rotation): the refusal as the caller's last frame,
     * then the input shut, which the run reads as the caller gone (it kills the tool's tree). The
     * refusal waits for the writer, which a caller that stopped reading (a suspended shim under a
     * flood of output) could hold for ever; one whose refusal is not through within {@link #GRACE}
     * is cut: its shim then reports the lost connection instead of the message.
     */
    private void stop(int code, String message) {
        AtomicBoolean done = new AtomicBoolean();
        Thread.ofVirtual().name("stop-grace").start(() -> {
            try {
                Thread.sleep(GRACE);
            } catch (InterruptedException ignored) {
                // cut at once
            }
            if (!done.get()) {
                try {
                    socket.shutdownOutput();
                    socket.shutdownInput();
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        });
        try {
            out.refusal(code, message);
        } catch (IOException ignored) {
            // the caller is gone already
        }
        done.set(true);
        shutdownQuietly();
    }

    private void shutdownQuietly() {
        try {
            socket.shutdownInput();
        } catch (IOException | RuntimeException e) {
            // already closed by the peer
        }
    }

    /**
     * A client that connects and sends nothing must not hold a session slot for ever. A blocking
     * channel has no read time-out, so a virtual thread shuts the input down when time is up,
     * which ends the blocked read.
     */
    private Intake readRequest(FrameReader in) throws IOException {
        AtomicBoolean settled = new AtomicBoolean();
        Thread timer = Thread.ofVirtual().name("first-frame-timer").start(() -> {
            try {
                Thread.sleep(firstFrameTimeout);
                if (settled.compareAndSet(false, true)) shutdownQuietly();
            } catch (InterruptedException e) {
                // the request arrived in time
            }
        });
        try {
            Request r = Request.decode(in.expect(FrameType.REQUEST).payload());
            if (!settled.compareAndSet(false, true)) return timedOut();
            return new Intake.Arrived(new AgentRequest(AgentRequest.Mode.valueOf(r.mode().name()), r.command(), r.args(), r.cwd(),
                    r.env(), r.containerId(), r.stdinTty(), r.key()));
        } catch (IOException e) {
            if (!settled.compareAndSet(false, true)) return timedOut();
            if (e instanceof ProtocolException p) return new Intake.Unreadable(Refusal.protocol(p.getMessage()));
            throw e;
        } finally {
            timer.interrupt();
        }
    }

    private Intake timedOut() {
        return new Intake.Unreadable(Refusal.protocol("no request within " + firstFrameTimeout.toSeconds() + " s"));
    }
}
