package airlock.daemon.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions: a random id in an HttpOnly cookie and a CSRF token of its own for every form.
 * Kept in memory only, so a daemon restart logs everybody out; an idle session ends after
 * {@link #IDLE}. At most {@link #MAX} at once: the oldest goes first.
 */
public final class ConsoleSessions {
    public static final Duration IDLE = Duration.ofMinutes(30);
    static final int MAX = 32;

    /** {@code number}: counts logins since the daemon started; names the session in the audit log (the id is secret). */
    public record Session(String id, String csrf, long number) {}

    private final Clock clock;
    private final Duration idle;
    /** id -> session, oldest first. Guarded by this. */
    private final Map<String, Entry> sessions = new LinkedHashMap<>();
    /** Guarded by this. */
    private long logins;

    private record Entry(Session session, Instant lastSeen) {}

    public ConsoleSessions(Clock clock, Duration idle) {
        this.clock = clock;
        this.idle = idle;
    }

    public synchronized Session create() {
        Session s = new Session(Tokens.fresh(), Tokens.fresh(), ++logins);
        while (sessions.size() >= MAX) sessions.remove(sessions.keySet().iterator().next());
        sessions.put(s.id(), new Entry(s, clock.instant()));
        return s;
    }

    /** The session for this cookie value, if it is live; touching it keeps it live. */
    public synchronized Optional<Session> find(String id, boolean touch) {
        if (!Tokens.wellFormed(id)) return Optional.empty();
        Entry e = sessions.get(id);
        if (e == null) return Optional.empty();
        Instant now = clock.instant();
        if (!now.isBefore(e.lastSeen().plus(idle))) {
            sessions.remove(id);
            return Optional.empty();
        }
        if (touch) {
            sessions.remove(id);
            sessions.put(id, new Entry(e.session(), now));
        }
        return Optional.of(e.session());
    }

    public synchronized void end(String id) {
        if (id != null) sessions.remove(id);
    }
}
