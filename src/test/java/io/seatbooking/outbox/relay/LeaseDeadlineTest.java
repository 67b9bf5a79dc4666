package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The lease holder's local deadline: 80% of the TTL after the renewal was sent, on a monotonic clock. */
class LeaseDeadlineTest {

    private static final Duration TTL = Duration.ofSeconds(5);

    // Near the end of the range: monotonic time may be negative and may wrap.
    private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - 2_000_000_000L);
    private final LeaseDeadline deadline = new LeaseDeadline(TTL, nanos::get);

    @Test
    void withoutASuccessfulRenewalTheDeadlineHasPassed() {
        assertThat(deadline.passed()).isTrue();
    }

    @Test
    void theDeadlineCountsFromWhenTheRenewalWasSentNotFromWhenItsAnswerCame() {
        long sentAt = deadline.now();
        advance(Duration.ofMillis(1500)); // a slow answer
        deadline.renewedAsSentAt(sentAt);

        advance(Duration.ofMillis(2499));
        assertThat(deadline.passed()).as("3.999 s after sending").isFalse();
        advance(Duration.ofMillis(1));
        assertThat(deadline.passed()).as("4 s = 80% of the 5 s TTL after sending").isTrue();
    }

    @Test
    void eachRenewalMovesTheDeadlineFromItsOwnSending() {
        deadline.renewedAsSentAt(deadline.now());
        advance(Duration.ofSeconds(3));
        deadline.renewedAsSentAt(deadline.now());

        advance(Duration.ofMillis(3999));
        assertThat(deadline.passed()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(deadline.passed()).isTrue();
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
