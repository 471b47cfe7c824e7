package airlock.daemon.pause;

import airlock.daemon.pending.Question;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pause of a script, as {@link airlock.daemon.pending.PendingAnswers} holds it. Its binding
 * is the run, the pause's {@code seq} and the profile: an answer names all three, so an answer
 * meant for an earlier pause (a stale seq) or given through another profile settles nothing.
 * The seq is the number of the run's prompt event, known once the prompt is kept, which happens
 * after the wait is registered (so the run is never seen waiting without a wait to answer).
 *
 * @param promptBytes the prompt's size after redaction (its text is never kept here)
 * @param redactions  how many times each secret was redacted from the prompt
 */
record PauseQuestion(String runId, String profile, String command, int promptBytes, Map<String, Long> redactions, AtomicLong seq)
        implements Question {
    PauseQuestion {
        redactions = Map.copyOf(redactions);
    }

    static String binding(String runId, long seq, String profile) {
        return runId + "/" + seq + "/" + profile;
    }

    @Override
    public String binding() {
        return binding(runId, seq.get(), profile);
    }

    @Override
    public String owner() {
        return profile;
    }

    @Override
    public String describe() {
        return "run " + runId + " (" + command + ") of profile " + profile + ", pause " + seq.get();
    }
}
