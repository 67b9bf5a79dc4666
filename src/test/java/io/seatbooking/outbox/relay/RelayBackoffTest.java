package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

/** The relay's backoff: capped exponential steps, jittered, one step per outage. */
class RelayBackoffTest {

    // Near the end of the range, so that the arithmetic must survive the clock wrapping.
    private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - 1_000_000_000L);

    @Test
    void eachEpisodeDoublesTheDelayUpToTheCapWithTheLongestJitter() {
        RelayBackoff backoff = backoff(always(true));

        assertThat(delaysOfEpisodes(backoff, 6)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    }

    @Test
    void theJitterCanHalveEachDelayButNoMore() {
        RelayBackoff backoff = backoff(always(false));

        assertThat(delaysOfEpisodes(backoff, 6)).containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
    }

    @Test
    void randomDelaysStayInTheUpperHalfOfTheirStep() {
        RelayBackoff backoff = new RelayBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), nanos::get,
                new SplittableRandom(7));
        long[] bases = { 100, 200, 400, 800, 1000, 1000 };
        for (long base : bases) {
            long delay = backoff.failed().orElseThrow();
            assertThat(delay).isBetween(base / 2, base);
            advance(delay);
        }
    }

    @Test
    void failuresDuringAPauseBelongToTheSameEpisode() {
        RelayBackoff backoff = backoff(always(true));
        assertThat(backoff.failed()).hasValue(100);

        advance(50);
        assertThat(backoff.isPaused()).isTrue();
        assertThat(backoff.failed()).as("a whole window failing at once").isEmpty();
        assertThat(backoff.failed()).isEmpty();

        advance(50);
        assertThat(backoff.isPaused()).isFalse();
        assertThat(backoff.failed()).as("the next episode, one step up").hasValue(200);
    }

    @Test
    void successStartsTheNextEpisodeFromTheFirstStepButLetsThePauseRunOut() {
        RelayBackoff backoff = backoff(always(true));
        backoff.failed();
        advance(100);
        backoff.failed();

        backoff.succeeded();
        assertThat(backoff.isPaused()).isTrue();
        advance(200);
        assertThat(backoff.failed()).hasValue(100);
    }

    @Test
    void aResetEndsThePauseAndForgetsTheSteps() {
        RelayBackoff backoff = backoff(always(true));
        backoff.failed();

        backoff.reset();

        assertThat(backoff.isPaused()).isFalse();
        assertThat(backoff.failed()).hasValue(100);
    }

    @Test
    void theCurrentDelaySpacesRetriesWithoutStartingAPause() {
        RelayBackoff backoff = backoff(always(true));
        assertThat(backoff.delayMillis()).isEqualTo(100);
        assertThat(backoff.isPaused()).isFalse();

        backoff.failed();
        advance(100);
        backoff.failed();
        assertThat(backoff.delayMillis()).isEqualTo(200);
        assertThat(backoff.delayMillis()).isEqualTo(200);
    }

    private RelayBackoff backoff(RandomGenerator random) {
        return new RelayBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), nanos::get, random);
    }

    /** The delays of consecutive failure episodes, each failure after the previous pause ended. */
    private long[] delaysOfEpisodes(RelayBackoff backoff, int episodes) {
        long[] delays = new long[episodes];
        for (int i = 0; i < episodes; i++) {
            OptionalLong delay = backoff.failed();
            delays[i] = delay.orElseThrow();
            advance(delays[i]);
        }
        return delays;
    }

    private void advance(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }

    /** Jitter always at the top of its range, or always at the bottom. */
    private static RandomGenerator always(boolean highest) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                return highest ? bound - 1 : 0;
            }
        };
    }
}
