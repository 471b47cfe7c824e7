package airlock.daemon.pipeline;

import airlock.daemon.core.Refusal;

/**
 * What is left to tell the caller once a request's audit record is written: the value a
 * listener renders (the unix listener as frames). A closed set; a streamed run's output went
 * out already through its {@link CallerLink}.
 */
public sealed interface Reply {
    /**
     * A streamed run: only the exit status is left to send. {@code limit} names the run's limit
     * that ended it ("timeout", "output", "memory", ...; "" when none), for a listener that reports
     * it apart from the status (the HTTPS API's {@code timeout}); the unix listener has told the
     * caller on stderr already.
     */
    record Exit(int status, int signal, String limit) implements Reply {
        public Exit(int status, int signal) {
            this(status, signal, "");
        }
    }

    /** Nothing ran: why, and the exit status the agent's command ends with. */
    record Refuse(Refusal refusal) implements Reply {}

    /**
     * {@code airlock test}'s question answered: allowed, or refused by {@code layer} (lower
     * case, "" when no layer decided) and {@code rule}, with the message a run would get.
     */
    record Verdict(boolean allowed, String layer, String rule, String message) implements Reply {}

    /** A held run the post-exec hook let through: its (possibly rewritten) output, then its status. */
    record Deliver(byte[] stdout, byte[] stderr, int status, int signal) implements Reply {}

    /** A held run the post-exec hook (or the output cap) withheld: why, on stderr, then status 126. */
    record Withhold(Refusal refusal) implements Reply {}

    /** The daemon's own answer to an agent verb ({@code airlock skill}): its text, then its status. */
    record Answer(byte[] stdout, int status) implements Reply {}

    /** Nobody to answer: the caller went away, or the connection broke. */
    record Silent() implements Reply {}
}
