package airlock.daemon.pause;

import airlock.daemon.core.Caller;
import airlock.daemon.pipeline.CallerLink;

import java.io.IOException;

/**
 * A shim's run that may be kept at a pause: until then it writes to its caller's connection and
 * dies with it, as any call; at its first pause {@link #moveTo} sends everything after to the
 * kept run (whose output {@code airlock respond} and {@code attach} follow), and the caller's
 * connection ending is no longer the run's end: only a stop of the kept run is.
 */
final class KeptLink implements CallerLink {
    private final CallerLink first;
    /** Guarded by {@code this}; read without it by {@link #gone}. */
    private volatile CallerLink now;
    private volatile boolean moved;

    KeptLink(CallerLink first) {
        this.first = first;
        this.now = first;
    }

    /** From now on the run writes into {@code kept}; the first caller's connection is let go. */
    synchronized void moveTo(CallerLink kept) {
        now = kept;
        moved = true;
    }

    boolean moved() {
        return moved;
    }

    @Override
    public Caller caller() {
        return first.caller();
    }

    @Override
    public synchronized void write(Output stream, byte[] b, int off, int len) throws IOException {
        now.write(stream, b, off, len);
    }

    @Override
    public synchronized void notice(String line) throws IOException {
        now.notice(line);
    }

    @Override
    public FromCaller receive() throws InterruptedException {
        CallerLink from = now;
        FromCaller r = from.receive();
        // the first caller left after the run was kept: its stdin ended; the kept run says when it stops
        while (r instanceof FromCaller.Gone && from == first && moved) {
            from = now;
            r = from.receive();
        }
        return r;
    }

    @Override
    public boolean gone() {
        return now.gone();
    }

    @Override
    public java.util.Optional<String> keptRun() {
        return moved ? now.keptRun() : java.util.Optional.empty();
    }
}
