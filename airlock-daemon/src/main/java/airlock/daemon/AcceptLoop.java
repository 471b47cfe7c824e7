package airlock.daemon;

import airlock.protocol.ChannelStreams;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameWriter;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;

/**
 * Takes the connections of one profile's socket and hands each to a {@link Session} on its own
 * virtual thread, up to the session limit (all profiles together); a connection over the limit is
 * told the daemon is busy, one on a stopped profile is refused with the reason before anything is
 * judged ({@link Session#tombstone}).
 */
final class AcceptLoop {
    private final Semaphore sessions;
    private final Connections connections;
    private final Session.Context context;

    AcceptLoop(int maxSessions, Connections connections, Session.Context context) {
        this.sessions = new Semaphore(maxSessions);
        this.connections = connections;
        this.context = context;
    }

    /** Runs until {@code server} is closed (by a reload, a rotation or the shut-down). */
    void run(ServerSocketChannel server, String profile) {
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
                Thread.ofVirtual().name("busy-" + profile).start(() -> refuseBusy(s));
                continue;
            }
            if (!connections.enter(profile, s)) {
                // the profile expired or was revoked (this is its tombstone, or the instant it stopped):
                // the caller is told why, and nothing is judged or run
                Session refusal = Session.tombstone(s, profile, context);
                Thread.ofVirtual().name("stopped-" + profile).start(() -> {
                    try {
                        refusal.run();
                    } finally {
                        sessions.release();
                    }
                });
                continue;
            }
            Session session = new Session(s, profile, context);
            Thread.ofVirtual().name("session-" + profile).start(() -> {
                try {
                    session.run();
                } finally {
                    connections.leave(s);
                    sessions.release();
                }
            });
        }
    }

    private void refuseBusy(SocketChannel s) {
        try (s) {
            new FrameWriter(ChannelStreams.out(s)).refusal(ExitCodes.UNREACHABLE,
                    "airlock: the daemon is busy (" + Daemon.MAX_SESSIONS + " sessions running); try again");
        } catch (IOException e) {
            // the caller left already
        }
    }
}
