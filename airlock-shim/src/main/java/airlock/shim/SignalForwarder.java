package airlock.shim;

import airlock.protocol.FrameWriter;

import java.io.IOException;

/** Ctrl-C and friends reach the host process instead of killing only the shim. */
final class SignalForwarder {
    private static final String[] FORWARDED = {"INT", "TERM", "HUP", "QUIT"};

    private SignalForwarder() {}

    static void install(FrameWriter writer) {
        for (String name : FORWARDED) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    try {
                        writer.signal(sig.getNumber());
                    } catch (IOException e) {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                });
            } catch (IllegalArgumentException e) {
                // The JVM reserves this signal (e.g. QUIT without -Xrs); it keeps its default meaning.
            }
        }
    }
}
