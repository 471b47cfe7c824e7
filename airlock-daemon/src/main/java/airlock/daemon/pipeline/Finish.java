package airlock.daemon.pipeline;

import java.util.Optional;

/**
 * How a request ended, after its record: the reply, and why the record could not be written
 * when it could not (then the caller is told, and later requests are refused until it can).
 */
public record Finish(Reply reply, Optional<String> unrecorded) {
    /** The line a caller whose run went unrecorded gets on stderr, before its exit status. */
    public Optional<String> warning() {
        return unrecorded.map(f -> "airlock: WARNING: this run is missing from the audit log (" + f
                + "); requests are refused until it can be written");
    }

    /** A refusal's message, with why it went unrecorded when it did. */
    public String withUnrecorded(String message) {
        return message + unrecorded.map(f -> "\n" + Pipeline.unrecorded(f)).orElse("");
    }
}
