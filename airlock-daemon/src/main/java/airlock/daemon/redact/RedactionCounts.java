package airlock.daemon.redact;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** How many times each secret was redacted in one run, over both streams (for the audit record). */
public final class RedactionCounts {
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void add(String name) {
        counts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    /** Secret name to count, by name; only secrets redacted at least once. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Adds every count of {@code other} (a paused script's prompt, counted in its run's record). */
    public void addAll(RedactionCounts other) {
        other.counts.forEach((k, v) -> counts.computeIfAbsent(k, n -> new AtomicLong()).addAndGet(v.get()));
    }

    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
