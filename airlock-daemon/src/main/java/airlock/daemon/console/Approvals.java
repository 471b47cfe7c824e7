package airlock.daemon.console;

import java.time.Instant;
import java.util.List;

/** Requests waiting for a person's yes or no, while their shim waits. */
public interface Approvals {
    /**
     * {@code argv} exactly as the host would run it; {@code cwd} the container's. {@code binding}
     * names what was shown: a decision carries it back, so a click can only decide the request the
     * person saw (not another one that took its id).
     */
    record Waiting(String id, String profile, String container, String cwd, List<String> argv, Instant since,
                   Instant deadline, String rule, String binding) {
        public Waiting {
            argv = List.copyOf(argv);
        }
    }

    List<Waiting> waiting();

    /** {@code by}: who decided, as the audit log records it. */
    Outcome approve(String id, String binding, String by);

    Outcome deny(String id, String binding, String by, String reason);
}
