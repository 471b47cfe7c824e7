package airlock.daemon.hooks;

import java.time.Duration;

/**
 * @param timeout         how long a hook may run before it is killed and the request refused
 * @param maxBufferedOutput with a post-exec hook, the most stdout+stderr bytes held back for it;
 *                        a tool that writes more is killed and its output withheld
 */
public record HookSettings(Duration timeout, int maxBufferedOutput) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_BUFFERED_OUTPUT = 16 * 1024 * 1024;
    public static final HookSettings DEFAULT = new HookSettings(DEFAULT_TIMEOUT, DEFAULT_MAX_BUFFERED_OUTPUT);

    public HookSettings {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("hook timeout must be positive");
        if (maxBufferedOutput < 1) throw new IllegalArgumentException("maxBufferedOutput must be positive");
    }
}
