package airlock.shim;

import airlock.protocol.FrameWriter;

import java.io.IOException;

/**
 * Ctrl-C and friends reach the host process instead of killing only the shim. Installed before
 * the request is sent: a signal that arrives in between is held and forwarded right after it
 * (as the pid 1 of a container, a JVM without a handler would not even see SIGINT).
 */
final class SignalForwarder {
    private static final String[] FORWARDED = {"INT", "TERM", "HUP", "QUIT"};

    private final FrameWriter writer;
    private boolean requestSent;
    private int pending;

    private SignalForwarder(FrameWriter writer) {
        this.writer = writer;
    }

    static SignalForwarder install(FrameWriter writer) {
        SignalForwarder f = new SignalForwarder(writer);
        for (String name : FORWARDED) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> f.received(sig.getNumber()));
            } catch (IllegalArgumentException e) {
                // A JVM reserves QUIT for thread dumps whatever its flags (and with -Xrs refuses
                // INT, TERM and HUP as well): it keeps its default meaning. A native image forwards it.
            }
        }
        return f;
    }

    private synchronized void received(int signal) {
        if (requestSent) send(signal);
        else pending = signal;
    }

    /** The REQUEST frame is on the wire: signals may follow it. */
    synchronized void requestSent() {
        requestSent = true;
        if (pending != 0) send(pending);
    }

    private void send(int signal) {
        try {
            writer.signal(signal);
        } catch (IOException e) {
            Runtime.getRuntime().halt(128 + signal);
        }
    }
}
