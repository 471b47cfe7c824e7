package airlock.daemon.listen.unix;

import airlock.daemon.pipeline.OpenCalls;
import airlock.daemon.pipeline.Pipeline;
import airlock.protocol.ExitCodes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Takes the connections of one profile's socket and hands each to a {@link UnixCall} on its own
 * virtual thread, up to the session limit (all profiles together); a connection over the limit is
 * told the daemon is busy, one on a stopped profile is refused with the reason before anything is
 * judged (its call finds the profile stopped in {@link OpenCalls}).
 */
public final class AcceptLoop {
    private final Semaphore sessions;
    private final int limit;
    private final OpenCalls calls;
    private final Pipeline pipeline;
    private final Duration firstFrameTimeout;
    private final PrintStream log;

    /**
     * @param maxSessions how many calls run at once (a test may tighten it)
     * @param limitShown  the limit a busy caller is told of
     */
    public AcceptLoop(int maxSessions, int limitShown, OpenCalls calls, Pipeline pipeline, Duration firstFrameTimeout, PrintStream log) {
        this.sessions = new Semaphore(maxSessions);
        this.limit = limitShown;
        this.calls = calls;
        this.pipeline = pipeline;
        this.firstFrameTimeout = firstFrameTimeout;
        this.log = log;
    }

    /** Runs until {@code server} is closed (by a reload, a rotation or the shut-down). */
    public void run(ServerSocketChannel server, String profile) {
        while (server.isOpen()) {
            SocketChannel s;
            try {
                s = server.accept();
            } catch (ClosedChannelException e) {
                return; // closed by a reload or at shut-down
            } catch (IOException e) {
                continue; // a failed accept must not stop the listener
            }
            if (!sessions.tryAcquire()) {
                Thread.ofVirtual().name("busy-" + profile).start(() -> UnixCall.refuse(s, ExitCodes.UNREACHABLE,
                        "airlock: the daemon is busy (" + limit + " sessions running); try again"));
                continue;
            }
            // registered with the profile's open calls; on a stopped profile the caller is told why
            // and nothing is judged or run
            UnixCall call = UnixCall.of(s, profile, pipeline, firstFrameTimeout, log, calls);
            Thread.ofVirtual().name("session-" + profile).start(() -> {
                try {
                    call.run();
                } finally {
                    sessions.release();
                }
            });
        }
    }
}
