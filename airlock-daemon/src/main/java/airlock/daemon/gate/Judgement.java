package airlock.daemon.gate;

import airlock.daemon.core.Plan;
import airlock.daemon.core.Refusal;
import airlock.rules.Decision;

import java.util.List;
import java.util.Optional;

/**
 * What the {@link Gate} says of one request: a plan to run, or a refusal, each with the trace of
 * every layer it passed. The daemon acts on it; {@code airlock test} prints it; both read the same
 * value, so they cannot disagree about the same configuration.
 */
public sealed interface Judgement {
    List<Step> trace();

    /** The module layer's answer: the rule that allowed (in allow mode) or refused. */
    Decision decision();

    boolean allowed();

    /** Every layer allowed: this is what will run. */
    record Allowed(Plan plan, Decision decision, List<Step> trace) implements Judgement {
        public Allowed {
            trace = List.copyOf(trace);
        }

        @Override
        public boolean allowed() { return true; }
    }

    /**
     * A layer refused; {@code decision} names that layer and its rule (empty rule when it has
     * none). {@code plan} is what would have run, when a tool check refused after it was made.
     */
    record Refused(Refusal refusal, Decision decision, Optional<Plan> plan, List<Step> trace) implements Judgement {
        public Refused {
            trace = List.copyOf(trace);
        }

        @Override
        public boolean allowed() { return false; }
    }
}
