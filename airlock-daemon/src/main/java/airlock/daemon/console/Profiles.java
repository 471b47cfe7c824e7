package airlock.daemon.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Profiles as the daemon runs them, and their lifecycle (revoke, rotate, lock). */
public interface Profiles {
    /** active, locked, expiring (within a day), expired, revoked. */
    enum State { ACTIVE, LOCKED, EXPIRING, EXPIRED, REVOKED }

    /**
     * @param detail the state in words ("revoked at ... (reason)", "locked (key ark_ID:...)"), never a key
     * @param secrets each granted secret as "NAME to CMD as $VAR" (or "redacted only")
     */
    record View(String name, State state, String detail, String socket, List<String> commands, Map<String, String> mounts,
                List<String> secrets, Optional<Instant> expires) {
        public View {
            commands = List.copyOf(commands);
            mounts = Map.copyOf(mounts);
            secrets = List.copyOf(secrets);
        }
    }

    List<View> list();

    /** {@code reason} is shown to the agent and written into the audit log. */
    Outcome revoke(String profile, String reason);

    /** A key for the profile's socket; the outcome carries it once ({@link Outcome.KeyIssued}). */
    Outcome lock(String profile);

    /** A new socket; a locked profile also gets a new key, carried once ({@link Outcome.KeyIssued}). */
    Outcome rotate(String profile);
}
