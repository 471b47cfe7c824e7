package airlock.daemon.runs;

import airlock.daemon.pipeline.CallerLink;

/**
 * One thing that happened in a run, numbered from 0 in the order it happened, so a reader that
 * lost its connection resumes after the last one it saw. A closed set.
 */
public sealed interface RunEvent {
    long seq();

    /** Bytes of one output stream, redacted already (the run redacts before it writes). */
    record Output(long seq, CallerLink.Output stream, byte[] bytes) implements RunEvent {}

    /** The run's status changed (it ended, paused or went on). */
    record Status(long seq, RunStatus status) implements RunEvent {}

    /**
     * The run paused for an answer (a script's {@code llm.complete}): its prompt, redacted like
     * output. This event's number is the pause's {@code seq}, which an answer names.
     */
    record Prompt(long seq, byte[] text) implements RunEvent {}

    /**
     * The run ended: {@code exitCode} is the tool's status (null when no tool ran to an end),
     * {@code signal} the signal that killed it (0 for none).
     */
    record Exit(long seq, RunStatus status, Integer exitCode, int signal) implements RunEvent {}
}
