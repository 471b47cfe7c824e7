package airlock.daemon.runs;

import java.util.Locale;

/** Where a run stands, in the words the API answers with ({@link #wire}). */
public enum RunStatus {
    /** Judged and admitted; its tool runs (or waits for a person's approval, a lock, the vault). */
    RUNNING,
    /** Paused for an answer from its caller (a script's {@code llm.complete}, issue 25). */
    AWAITING_INPUT,
    /** The tool exited with status 0. */
    COMPLETED,
    /** The tool exited with another status or a signal, or airlock stopped it at a limit of the API's. */
    FAILED,
    /** A layer refused it after it was accepted (a person denied the approval, the vault could not give a secret). */
    REFUSED,
    /** The sandbox's {@code timeout_s} ended it. */
    TIMEOUT,
    /** Its caller cancelled it; the process tree was killed. */
    CANCELLED,
    /** Airlock ended it: its profile was revoked, expired or rotated, or the daemon stopped. */
    INTERRUPTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the run has ended: nothing it does changes any more. */
    public boolean ended() {
        return this != RUNNING && this != AWAITING_INPUT;
    }
}
