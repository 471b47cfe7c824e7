package airlock.daemon.console;

import java.util.List;
import java.util.function.Consumer;

/** The audit log: recent records, the chain's integrity, and a live feed of new ones. */
public interface Activity {
    /** Newest first, at most {@code max}. */
    List<AuditEntry> recent(int max);

    /** The record with this seq, if it is still on disk. */
    java.util.Optional<AuditEntry> record(long seq);

    ChainStatus verify();

    /** The runs paused now for an agent's answer (their prompts redacted; the page shows none of their text). */
    default List<airlock.daemon.runs.Run.View> paused() {
        return List.of();
    }

    /** Calls {@code sink} for every record written from now on, until the subscription is closed. */
    AutoCloseable subscribe(Consumer<AuditEntry> sink);

    /** As {@code airlock log --verify} reports it. */
    record ChainStatus(boolean intact, long records, int files, long firstSeq, String head, List<String> problems) {
        public ChainStatus {
            problems = List.copyOf(problems);
        }
    }
}
