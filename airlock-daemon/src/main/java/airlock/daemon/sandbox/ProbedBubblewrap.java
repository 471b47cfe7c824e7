package airlock.daemon.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The daemon's bubblewrap probe, remembered: a probe is a whole empty sandbox, as costly as the
 * run it guards. Only a working bubblewrap is remembered, for a minute; an unavailable one is
 * probed again on every request, so installing it takes effect at once. A bwrap removed within
 * the minute still fails closed: the run's exec of it fails and nothing runs.
 */
public final class ProbedBubblewrap implements Function<String, Bubblewrap.Availability> {
    private static final Duration KEEP = Duration.ofMinutes(1);

    private record Seen(Bubblewrap.Availability.Ready ready, Instant at) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    @Override
    public Bubblewrap.Availability apply(String path) {
        String key = path == null ? "" : path;
        Seen s = seen.get(key);
        if (s != null && Instant.now().isBefore(s.at().plus(KEEP))) return s.ready();
        Bubblewrap.Availability a = Bubblewrap.probe(path);
        if (a instanceof Bubblewrap.Availability.Ready r) seen.put(key, new Seen(r, Instant.now()));
        else seen.remove(key);
        return a;
    }
}
