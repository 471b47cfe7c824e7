package airlock.daemon.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Profiles as the daemon runs them, and their lifecycle (revoke, rotate, lock). */
public interface Profiles {
    /** active, locked, expiring (within a day), expired, revoked. */
    enum State { ACTIVE, LOCKED, EXPIRING, EXPIRED, REVOKED }

    record View(String name, State state, String socket, List<String> commands, Map<String, String> mounts,
                List<String> secrets, Optional<Instant> expires) {
        public View {
            commands = List.copyOf(commands);
            mounts = Map.copyOf(mounts);
            secrets = List.copyOf(secrets);
        }
    }

    List<View> list();

    Outcome revoke(String profile);

    Outcome lock(String profile);

    /** A new key for the profile; the outcome carries it once ({@link Outcome.KeyIssued}). */
    Outcome rotate(String profile);
}
