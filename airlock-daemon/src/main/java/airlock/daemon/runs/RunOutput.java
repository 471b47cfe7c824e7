package airlock.daemon.runs;

import airlock.daemon.pipeline.CallerLink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run that outlives its caller's connection said, kept for whoever reads it later: its
 * events in order ({@link RunEvent}), read from any point and waited for. Only redacted bytes
 * ever arrive here (the run redacts before it writes), so nothing kept is a secret. Bounded:
 * output past {@code maxBytes} is refused, which the run reads as its caller gone and stops.
 */
public final class RunOutput {
    /** The API's limit was reached: the run is stopped, as for a caller that went away. */
    public static final class Full extends IOException {
        Full(long max) {
            super("the run wrote more than " + max + " bytes of output ([api] max_output_bytes); it was stopped");
        }
    }

    private final long maxBytes;
    /** Guarded by {@code this}. */
    private final List<RunEvent> events = new ArrayList<>();
    private long bytes;
    private boolean ended;
    private boolean full;

    public RunOutput(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized void output(CallerLink.Output stream, byte[] b, int off, int len) throws Full {
        if (ended) return;
        if (full || bytes + len > maxBytes) {
            full = true;
            throw new Full(maxBytes);
        }
        bytes += len;
        events.add(new RunEvent.Output(events.size(), stream, java.util.Arrays.copyOfRange(b, off, off + len)));
        notifyAll();
    }

    synchronized void status(RunStatus s) {
        if (ended) return;
        events.add(new RunEvent.Status(events.size(), s));
        notifyAll();
    }

    /**
     * A pause's prompt (redacted already); counted against the output's limit like output. Its
     * event number, which is the pause's {@code seq}; -1 when the run ended or the limit is reached.
     */
    synchronized long prompt(byte[] text) {
        if (ended || full || bytes + text.length > maxBytes) return -1;
        bytes += text.length;
        long seq = events.size();
        events.add(new RunEvent.Prompt(seq, text.clone()));
        notifyAll();
        return seq;
    }

    /** The last event: nothing is added after it. */
    synchronized void end(RunStatus s, Integer exitCode, int signal) {
        if (ended) return;
        ended = true;
        events.add(new RunEvent.Exit(events.size(), s, exitCode, signal));
        notifyAll();
    }

    /** Whether the output limit stopped the run. */
    public synchronized boolean overflowed() {
        return full;
    }

    public synchronized boolean ended() {
        return ended;
    }

    /**
     * The events from number {@code from} on; waits up to {@code waitMillis} for one when there is
     * none yet (an empty list then means nothing happened in that time).
     */
    public synchronized List<RunEvent> from(long from, long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (events.size() <= from && !ended) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) break;
            wait(left);
        }
        if (from >= events.size()) return List.of();
        return List.copyOf(events.subList((int) Math.max(0, from), events.size()));
    }

    /** One stream's bytes so far, in order. */
    public synchronized byte[] stream(CallerLink.Output stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RunEvent e : events) {
            if (e instanceof RunEvent.Output o && o.stream() == stream) out.writeBytes(o.bytes());
        }
        return out.toByteArray();
    }
}
