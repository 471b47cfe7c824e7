package airlock.daemon.listen.https;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Requests per second for each key and each address ({@code [api] requests_per_second}), as a
 * token bucket: a burst of twice the rate, then the rate. A refused request is told how many
 * seconds to wait ({@code Retry-After}). The table is bounded: past {@link #MAX_TRACKED} names the
 * ones idle longest are forgotten, which can only let a forgotten name start again with a full
 * bucket, never refuse anyone more.
 */
final class RateLimit {
    static final int MAX_TRACKED = 10_000;

    private record Bucket(double tokens, long at) {}

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanos;
    /** Least recently used first. Guarded by {@code this}. */
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    RateLimit(int perSecond, LongSupplier nanos) {
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
        this.nanos = nanos;
    }

    /** Takes one request for {@code who}: empty when it may go on, else the seconds to wait. */
    synchronized OptionalLong take(String who) {
        long now = nanos.getAsLong();
        Bucket b = buckets.get(who);
        double tokens = b == null ? burst : Math.min(burst, b.tokens() + (now - b.at()) / 1e9 * perSecond);
        if (tokens < 1.0) {
            buckets.put(who, new Bucket(tokens, now));
            return OptionalLong.of(Math.max(1, (long) Math.ceil((1.0 - tokens) / perSecond)));
        }
        buckets.put(who, new Bucket(tokens - 1.0, now));
        if (buckets.size() > MAX_TRACKED) {
            var it = buckets.keySet().iterator();
            it.next();
            it.remove();
        }
        return OptionalLong.empty();
    }
}
