package airlock.daemon.pipeline;

import airlock.daemon.core.Caller;

import java.io.IOException;

/**
 * The one seam between the request path and whoever asked: everything below a listener talks
 * to its caller through this and nothing else, so a listener (the unix socket's frames today,
 * an HTTP exchange next) renders it as it likes, and a run never sees the wire. Writes fail with
 * an IOException when the caller is gone; the run then kills its tool, as for a disconnect.
 */
public interface CallerLink {
    /** The tool's two output streams. */
    enum Output { STDOUT, STDERR }

    /** What the caller sends while its tool runs: a closed set. */
    sealed interface FromCaller {
        /** Bytes for the tool's stdin. */
        record Stdin(byte[] data) implements FromCaller {}

        /** The caller's stdin ended. */
        record EndOfStdin() implements FromCaller {}

        /** A signal the caller received, for the tool (forwarded only when forwardable). */
        record Signal(int number) implements FromCaller {}

        /** The caller went away, or sent what no caller may: the end of it either way. */
        record Gone() implements FromCaller {}
    }

    /** Who asked, as the listener established it. */
    Caller caller();

    /** Bytes of the tool's output (already redacted by the run), in the order they are to arrive. */
    void write(Output stream, byte[] b, int off, int len) throws IOException;

    /**
     * One line from airlock itself, not the tool (a wait for a person, a limit the run hit): an
     * agent reading stderr sees it there; a listener with a channel of its own may use that.
     */
    void notice(String line) throws IOException;

    /** Blocks for the caller's next input; {@link FromCaller.Gone} once there is none. */
    FromCaller receive() throws InterruptedException;

    /** Whether the caller is gone (its connection closed, its process ended), without waiting. */
    boolean gone();

    /**
     * The id of the kept run ({@code airlock.daemon.runs.Run}) this link writes into, when it is
     * one: a script of that run may pause there and be answered by id. Empty for a connection.
     */
    default java.util.Optional<String> keptRun() {
        return java.util.Optional.empty();
    }

    /**
     * Ends the caller's side with exit {@code status} while the run goes on elsewhere (a paused
     * script's run is kept, and its caller told to answer it): false when this caller's listener
     * cannot do that, and then nothing was sent.
     */
    default boolean detach(int status) throws IOException {
        return false;
    }
}
