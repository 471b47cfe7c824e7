package airlock.daemon.sandbox;

import java.util.concurrent.atomic.AtomicLong;

/** How many bytes of stdout plus stderr may still pass; shared by both pumps of one run. */
public final class OutputCap {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public OutputCap(long limit) {
        this.limit = limit;
    }

    /** Of {@code n} bytes read, how many may go to the caller; fewer than n means the cap is reached. */
    public int allow(int n) {
        if (limit <= 0) return n;
        long before = used.getAndAdd(n);
        if (before >= limit) return 0;
        return (int) Math.min(n, limit - before);
    }
}
