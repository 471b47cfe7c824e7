package airlock.daemon.pending;

import java.time.Duration;

/**
 * How a wait ended: the closed set every user of {@link PendingAnswers} switches over. Only
 * {@link Answered} lets the waiting caller go on; every other result is a refusal whose words
 * the user of the primitive chooses (an approval says "denied", a paused script something else).
 *
 * @param <A> the answer's type (an approval's is {@code Approved}; a paused script's a text)
 */
public sealed interface Result<A> {
    /** A person answered; {@code by} as the audit log records the decider. */
    record Answered<A>(A answer, String by) implements Result<A> {}

    /** A person refused to answer yes; {@code reason} may be empty. */
    record Denied<A>(String by, String reason) implements Result<A> {}

    /** Nobody answered before the deadline. */
    record TimedOut<A>(Duration after) implements Result<A> {}

    /** The caller went away (its shim killed), before or just after an answer came. */
    record Withdrawn<A>(String why) implements Result<A> {}

    /**
     * The host ended the wait: the owner's profile was stopped, or too many wait already.
     * {@code message} is the caller's refusal line.
     */
    record Stopped<A>(String message) implements Result<A> {}
}
