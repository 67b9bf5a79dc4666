package io.seatbooking.deadletter.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bulk job's pacing: at most the rate, no burst to catch up after a slow batch. */
class ThrottleTest {

    @Test
    void batchesHoldAQuarterSecondsWorthWithinTheMaximum() {
        assertThat(new Throttle(100).batchSize(100)).isEqualTo(25);
        assertThat(new Throttle(2).batchSize(100)).isEqualTo(1);
        assertThat(new Throttle(10_000).batchSize(100)).isEqualTo(100);
    }

    @Test
    void theNextBatchWaitsUntilTheRateAllowsIt() {
        Throttle t = new Throttle(100);
        // 25 letters at 100/s: the next batch may start 250 ms after this one started.
        assertThat(t.pauseAfter(25, 0, 40)).isEqualTo(210);
        assertThat(t.pauseAfter(25, 250, 270)).isEqualTo(230);
    }

    @Test
    void overManyBatchesTheRateHoldsExactly() {
        Throttle t = new Throttle(50);
        long now = 0;
        int resolved = 0;
        for (int i = 0; i < 100; i++) {
            long started = now;
            now += 5; // the batch's own work
            resolved += 12;
            now += t.pauseAfter(12, started, now);
        }
        assertThat(resolved / (now / 1000.0)).isBetween(49.0, 50.0);
    }

    @Test
    void aSlowBatchIsNotFollowedByABurst() {
        Throttle t = new Throttle(100);
        t.pauseAfter(25, 0, 10);
        // The database stalled: this batch started at 5 s; the next waits its full 250 ms again.
        assertThat(t.pauseAfter(25, 5_000, 5_000)).isEqualTo(250);
    }

    @Test
    void aRateBelowOneIsRefused() {
        assertThatThrownBy(() -> new Throttle(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
