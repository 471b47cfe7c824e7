package airlock.daemon;

import airlock.protocol.ChannelStreams;
import airlock.protocol.FrameWriter;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections open on each profile's socket, so that a profile that expires, is revoked or
 * rotated can be stopped at once, not only for new callers. Each connection has one
 * {@link FrameWriter}, shared by its session and by {@link #stop}, whose frames therefore never
 * interleave. Stopping writes the refusal as the caller's last frame and shuts the connection's
 * input: the tool's supervisor reads the end of the caller and kills the process tree, as it does
 * for a caller that goes away.
 */
final class Connections {
    /** One open connection. */
    record Entry(String profile, SocketChannel socket, FrameWriter out, ToolStart start) {}

    /**
     * Whether this connection's tool may still start. A session passes its last admission and
     * may then wait (a command lock held by a long {@code terraform apply}, the vault): a stop in
     * that window must mean the tool never starts, not that it starts and is killed a moment
     * later. The start and the stop take the same lock, so one of them is first.
     */
    static final class ToolStart implements ToolRun.ProcessStart {
        private boolean stopped;

        @Override
        public synchronized Process start(ProcessBuilder pb) throws IOException {
            if (stopped) throw new ToolRun.StoppedBeforeStart();
            return pb.start();
        }

        synchronized void stop() {
            stopped = true;
        }
    }

    private final Map<SocketChannel, Entry> open = new HashMap<>();
    static final java.time.Duration GRACE = java.time.Duration.ofMillis(500);
    /** Profiles being stopped: a connection accepted meanwhile is refused rather than served. */
    private final Set<String> stopped = new HashSet<>();

    /** Registers a connection; empty-handed (false) when its profile is being stopped. */
    synchronized boolean enter(String profile, SocketChannel socket) {
        if (stopped.contains(profile)) return false;
        open.put(socket, new Entry(profile, socket, new FrameWriter(ChannelStreams.out(socket)), new ToolStart()));
        return true;
    }

    synchronized void leave(SocketChannel socket) {
        open.remove(socket);
    }

    /** How a registered connection's tool starts (never once its profile is stopped), or unguarded. */
    synchronized ToolRun.ProcessStart starts(SocketChannel socket) {
        Entry e = open.get(socket);
        return e != null ? e.start() : ProcessBuilder::start;
    }

    /** The writer of a registered connection (its session's only writer), or a new one. */
    synchronized FrameWriter writer(SocketChannel socket) {
        Entry e = open.get(socket);
        return e != null ? e.out() : new FrameWriter(ChannelStreams.out(socket));
    }

    /**
     * The refusal waits for the writer, which a caller that stopped reading (a suspended shim
     * under a flood of output) could hold for ever; so each connection is ended on its own
     * thread, and one whose refusal is not through within {@link #GRACE} is cut: its shim then
     * reports the lost connection instead of the message, and the tool dies all the same.
     */
    private static void end(Entry e, int code, String message) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread.ofVirtual().name("stop-grace").start(() -> {
            try {
                Thread.sleep(GRACE);
            } catch (InterruptedException ignored) {
                // cut at once
            }
            if (!done.get()) cut(e.socket());
        });
        try {
            e.out().refusal(code, message);
        } catch (IOException ignored) {
            // the caller is gone already
        }
        done.set(true);
        try {
            e.socket().shutdownInput(); // the tool's supervisor reads the end of the caller and kills the tree
        } catch (IOException ignored) {
            // closed meanwhile
        }
    }

    private static void cut(SocketChannel s) {
        try {
            s.shutdownOutput();
            s.shutdownInput();
        } catch (IOException ignored) {
            // closed meanwhile
        }
    }

    /** Sessions running on {@code profile} now. */
    synchronized int count(String profile) {
        return (int) open.values().stream().filter(e -> e.profile().equals(profile)).count();
    }

    /** A profile whose socket is open again (restored, rotated) serves new connections. */
    synchronized void resume(String profile) {
        stopped.remove(profile);
    }

    /**
     * Ends every connection of {@code profile}: the caller gets {@code message} (its shim exits
     * with {@code code}), the tool's process tree is killed. Returns how many were stopped.
     * With {@code keepStopped} the profile refuses connections until {@link #resume}.
     */
    int stop(String profile, int code, String message, boolean keepStopped) {
        List<Entry> victims = new ArrayList<>();
        synchronized (this) {
            if (keepStopped) stopped.add(profile);
            for (Entry e : open.values()) if (e.profile().equals(profile)) victims.add(e);
        }
        for (Entry e : victims) e.start().stop();
        for (Entry e : victims) Thread.ofVirtual().name("stop-" + profile).start(() -> end(e, code, message));
        return victims.size();
    }
}
