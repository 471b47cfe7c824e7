package airlock.daemon.listen.https;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nonces each key used inside the replay window. A request is accepted with {@code created}
 * up to 60 s either side of the clock, so a nonce must be remembered for 120 s after it was
 * seen: until then a copy of that request could still pass the time check. Memory is bounded:
 * a key holding {@code maxPerKey} live nonces is refused (429) rather than allowed to forget one,
 * because forgetting would let a captured request replay. Keys are only those that signed
 * correctly, so an outsider cannot fill it.
 */
final class NonceWindow {
    private final long rememberSeconds;
    private final int maxPerKey;
    /** key id, then nonce to the second it may be forgotten, oldest first. Guarded by this. */
    private final Map<String, LinkedHashMap<String, Long>> seen = new HashMap<>();

    NonceWindow(long rememberSeconds, int maxPerKey) {
        this.rememberSeconds = rememberSeconds;
        this.maxPerKey = maxPerKey;
    }

    enum Outcome { FRESH, REPLAY, FULL }

    synchronized Outcome record(String keyId, String nonce, long nowSeconds) {
        LinkedHashMap<String, Long> nonces = seen.computeIfAbsent(keyId, k -> new LinkedHashMap<>());
        // insertion order is expiry order: every entry lives the same time from when it was seen
        for (Iterator<Long> it = nonces.values().iterator(); it.hasNext(); ) {
            if (it.next() > nowSeconds) break;
            it.remove();
        }
        if (nonces.containsKey(nonce)) return Outcome.REPLAY;
        if (nonces.size() >= maxPerKey) return Outcome.FULL;
        nonces.put(nonce, nowSeconds + rememberSeconds);
        return Outcome.FRESH;
    }

    /** Seconds until the oldest nonce of {@code keyId} is forgotten (a 429's Retry-After). */
    synchronized long retryAfter(String keyId, long nowSeconds) {
        LinkedHashMap<String, Long> nonces = seen.get(keyId);
        if (nonces == null || nonces.isEmpty()) return 1;
        return Math.max(1, nonces.values().iterator().next() - nowSeconds);
    }
}
