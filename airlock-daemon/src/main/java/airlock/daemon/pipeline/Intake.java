package airlock.daemon.pipeline;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.core.Refusal;

/** What a listener read from its caller before the request path begins: a closed set. */
public sealed interface Intake {
    /** A request, bounded by the listener's decoder. */
    record Arrived(AgentRequest request) implements Intake {}

    /** What came is no request (a protocol error, nothing within the time-out): refused and recorded. */
    record Unreadable(Refusal refusal) implements Intake {}

    /** The connection broke before a request (a liveness probe): nothing to record or answer. */
    record Lost(String reason) implements Intake {}
}
