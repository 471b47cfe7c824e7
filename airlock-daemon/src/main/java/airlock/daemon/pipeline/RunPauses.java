package airlock.daemon.pipeline;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seam to scripts that pause for the agent's answer ({@code llm.complete}, issue 25): the
 * request path asks it for a channel for each sandboxed run, binds that channel's directory into
 * the sandbox, and hands it the run's output; the verbs that answer or follow a paused run
 * ({@code airlock respond / attach / runs}) go to it too. Implemented above the pipeline
 * ({@code airlock.daemon.pause}); {@link #NONE} pauses nothing.
 */
public interface RunPauses {
    RunPauses NONE = new RunPauses() {
        @Override
        public Optional<Channel> open(String profile, AgentRequest request, CallerLink link, Redactor redactor, RedactionCounts counts) {
            return Optional.empty();
        }

        @Override
        public Optional<Reply> verb(String profile, List<String> args, CallerLink link) {
            return Optional.empty();
        }
    };

    /** The channel of one sandboxed run about to start; empty when this run cannot pause. */
    Optional<Channel> open(String profile, AgentRequest request, CallerLink link, Redactor redactor, RedactionCounts counts)
            throws IOException;

    /** One of the verbs of paused runs, answered through {@code link}; empty when {@code args} is none of them. */
    Optional<Reply> verb(String profile, List<String> args, CallerLink link) throws InterruptedException;

    /** How the run's output so far is made to reach its caller before a pause tells it of the prompt. */
    @FunctionalInterface
    interface Drain {
        void await() throws InterruptedException;
    }

    /** One run's way to pause: private to that run (its own directory, socket and token). */
    interface Channel extends AutoCloseable {
        /** What the run writes through: the caller's link until its first pause, then wherever the pause keeps it. */
        CallerLink link();

        /** Bound read-only into the run's sandbox: the socket, and the Python module ({@code from airlock import llm}). */
        Path directory();

        /** Set last in the run's environment: where the socket is, the run's token, the module on PYTHONPATH. */
        Map<String, String> env();

        /** The time the run spent paused so far (a pause going on counts up to now): not counted against [sandbox] timeout_s. */
        Duration paused();

        /** Set once by the run: how to let its output so far reach the caller. */
        void drainWith(Drain drain);

        /** The request path's end: a run kept at a pause ends there, and its first caller gets nothing more. */
        Finish settle(Finish f);

        @Override
        void close();
    }
}
