package airlock.daemon.lifecycle;

import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fires once per profile at its expiry instant: one timer each, no polling loop. A reload
 * replaces the whole schedule. A timer that wakes early (the wall clock was set back) sleeps
 * again for the rest; one that wakes late (suspend) fires at once.
 */
public final class Expiries implements Closeable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().name("profile-expiry").daemon(true).unstarted(r));
    private final Consumer<String> expire;
    private Map<String, ScheduledFuture<?>> scheduled = Map.of();

    /** @param expire called with a profile's name when its time has come */
    public Expiries(Consumer<String> expire) {
        this.expire = expire;
    }

    /** The profiles that expire in the future, by name; any earlier schedule is dropped. */
    public synchronized void schedule(Map<String, Instant> expiries) {
        scheduled.values().forEach(f -> f.cancel(false));
        var next = new java.util.HashMap<String, ScheduledFuture<?>>();
        expiries.forEach((name, at) -> next.put(name, at(name, at)));
        scheduled = next;
    }

    private ScheduledFuture<?> at(String name, Instant when) {
        long delay = Math.max(0, Duration.between(Instant.now(), when).toMillis());
        return timer.schedule(() -> {
            if (Instant.now().isBefore(when)) {
                synchronized (this) {
                    if (scheduled.containsKey(name)) scheduled.put(name, at(name, when));
                }
                return;
            }
            expire.accept(name);
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        scheduled.values().forEach(f -> f.cancel(false));
        timer.shutdownNow();
    }
}
