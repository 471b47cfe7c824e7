package airlock.daemon.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The calls open on each profile, whatever listener took them, so that a profile that expires,
 * is revoked or rotated is stopped at once, not only for new callers. Stopping a call keeps its
 * tool from starting ({@link ToolStart}) and has its listener end it ({@link Stop}: the unix
 * listener sends the refusal as the caller's last frame and shuts the connection's input, which
 * the run reads as the caller gone and kills the process tree).
 */
public final class OpenCalls {
    /** How a listener ends one of its calls: the caller gets {@code message} and exit {@code code}, then the link ends. */
    @FunctionalInterface
    public interface Stop {
        void stop(int code, String message);
    }

    /**
     * Whether a call's tool may still start. A call passes its last admission and may then wait
     * (a command lock held by a long {@code terraform apply}, the vault): a stop in that window
     * must mean the tool never starts, not that it starts and is killed a moment later. The
     * start and the stop take the same lock, so one of them is first.
     */
    public static final class ToolStart implements ToolRun.ProcessStart {
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

    /** One open call; {@link #close} when it ends. */
    public final class Call implements AutoCloseable {
        private final String profile;
        private final Stop stop;
        private final ToolStart start = new ToolStart();

        private Call(String profile, Stop stop) {
            this.profile = profile;
            this.stop = stop;
        }

        /** How this call's tool starts: never once its profile is stopped. */
        public ToolRun.ProcessStart starts() {
            return start;
        }

        @Override
        public void close() {
            synchronized (OpenCalls.this) {
                open.remove(this);
            }
        }
    }

    private final Set<Call> open = new LinkedHashSet<>();
    /** Profiles being stopped: a call arriving meanwhile is refused rather than served. */
    private final Set<String> stopped = new HashSet<>();

    /** Registers a call; empty when its profile is being stopped (the listener refuses it with why). */
    public synchronized Optional<Call> enter(String profile, Stop stop) {
        if (stopped.contains(profile)) return Optional.empty();
        Call c = new Call(profile, stop);
        open.add(c);
        return Optional.of(c);
    }

    /** Calls open on {@code profile} now. */
    public synchronized int count(String profile) {
        return (int) open.stream().filter(c -> c.profile.equals(profile)).count();
    }

    /** A profile whose socket is open again (restored, rotated) serves new calls. */
    public synchronized void resume(String profile) {
        stopped.remove(profile);
    }

    /**
     * Ends every call of {@code profile}: no tool of theirs starts from now on, each caller gets
     * {@code message} (its command exits with {@code code}) on its own thread, since a caller that
     * stopped reading may hold its listener's writer. Returns how many were stopped. With
     * {@code keepStopped} the profile refuses calls until {@link #resume}.
     */
    public int stop(String profile, int code, String message, boolean keepStopped) {
        List<Call> victims = new ArrayList<>();
        synchronized (this) {
            if (keepStopped) stopped.add(profile);
            for (Call c : open) if (c.profile.equals(profile)) victims.add(c);
        }
        for (Call c : victims) c.start.stop();
        for (Call c : victims) Thread.ofVirtual().name("stop-" + profile).start(() -> c.stop.stop(code, message));
        return victims.size();
    }
}
