package airlock.daemon.console;

import java.time.Instant;
import java.util.List;

/** Requests waiting for a person's yes or no, while their shim waits. */
public interface Approvals {
    /** {@code argv} exactly as the host would run it; {@code cwd} the container's. */
    record Waiting(String id, String profile, String container, String cwd, List<String> argv, Instant since) {
        public Waiting {
            argv = List.copyOf(argv);
        }
    }

    List<Waiting> waiting();

    Outcome approve(String id);

    Outcome deny(String id);
}
