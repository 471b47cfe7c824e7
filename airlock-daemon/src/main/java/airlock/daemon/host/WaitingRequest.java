package airlock.daemon.host;

import java.time.Instant;
import java.util.List;

/**
 * One request waiting for a person, as every front end shows it ({@code airlock approvals}, the
 * console's Approvals page): {@code argv} exactly as the host would run it, {@code cwd} the
 * container's; {@code binding} names what was shown, and a decision must carry it back.
 */
public record WaitingRequest(String id, String profile, String container, long uid, List<String> argv, String cwd,
                             String rule, Instant asked, Instant deadline, String binding) {
    public WaitingRequest {
        argv = List.copyOf(argv);
    }
}
