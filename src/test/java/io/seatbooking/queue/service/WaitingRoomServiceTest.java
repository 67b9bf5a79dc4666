package io.seatbooking.queue.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** When the pre-queue is told to come back after the opening: a plain decision. */
class WaitingRoomServiceTest {

    private static final Duration FIRST = Duration.ofSeconds(2);
    private static final Duration SPREAD = Duration.ofSeconds(20);

    @Test
    void thePreQueueComesBackInTheOrderOfItsDrawsWithinTheSpread() {
        long[] draws = LongStream.concat(LongStream.of(Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE),
                new Random(7).longs(10_000)).sorted().toArray();
        Duration previous = Duration.ZERO;
        for (long draw : draws) {
            Duration back = WaitingRoomService.returnAfterOpening(draw, FIRST, SPREAD);
            assertThat(back).as("draw %d", draw).isBetween(FIRST, SPREAD).isGreaterThanOrEqualTo(previous);
            previous = back;
        }
        assertThat(WaitingRoomService.returnAfterOpening(Long.MIN_VALUE, FIRST, SPREAD)).isEqualTo(FIRST);
        assertThat(WaitingRoomService.returnAfterOpening(0, FIRST, SPREAD)).isEqualTo(Duration.ofSeconds(11));
        assertThat(WaitingRoomService.returnAfterOpening(Long.MAX_VALUE, FIRST, SPREAD)).isEqualTo(SPREAD);
    }

    @Test
    void aSpreadShorterThanTheEarliestReturnMeansTheEarliestForEveryone() {
        assertThat(WaitingRoomService.returnAfterOpening(Long.MAX_VALUE, FIRST, Duration.ofSeconds(1))).isEqualTo(FIRST);
    }
}
