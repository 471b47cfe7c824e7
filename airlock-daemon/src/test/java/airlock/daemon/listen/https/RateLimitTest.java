package airlock.daemon.listen.https;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket behind 429 and Retry-After, on a clock the test moves. */
class RateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstOfTwiceTheRateThenTheRateAndAWaitThatSaysWhen() {
        RateLimit limit = new RateLimit(5, now::get);
        for (int i = 0; i < 10; i++) assertThat(limit.take("a")).as("request " + i).isEmpty();
        assertThat(limit.take("a")).hasValue(1);
        // another name has a bucket of its own
        assertThat(limit.take("b")).isEmpty();
        now.addAndGet(200_000_000L); // 0.2 s at 5/s: one more request
        assertThat(limit.take("a")).isEmpty();
        assertThat(limit.take("a")).isPresent();
    }

    @Test
    void aSlowRateSaysToWaitLonger() {
        RateLimit limit = new RateLimit(1, now::get);
        limit.take("a");
        limit.take("a");
        assertThat(limit.take("a")).hasValue(1);
        // refused requests do not earn anything: still one second away after trying again at once
        assertThat(limit.take("a")).hasValue(1);
    }

    @Test
    void theTableIsBoundedAndForgetsTheIdlest() {
        RateLimit limit = new RateLimit(1, now::get);
        limit.take("first");
        limit.take("first");
        assertThat(limit.take("first")).isPresent();
        for (int i = 0; i < RateLimit.MAX_TRACKED + 1; i++) limit.take("addr-" + i);
        // forgotten: starts again with a full bucket (never refused more than it would have been)
        assertThat(limit.take("first")).isEmpty();
    }
}
