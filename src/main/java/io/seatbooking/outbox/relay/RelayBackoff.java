package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The relay's pause after failures: a capped exponential backoff with full jitter in its upper
 * half (step n waits between half and all of {@code min(max, initial * 2^(n-1))}).
 *
 * <p><b>One outage, one step.</b> A failure while a pause runs belongs to the same episode: a
 * broker outage fails a whole window of messages at once, and each of them must not lengthen the
 * pause. Work that succeeds starts the steps again from the first.
 *
 * <p>Plain and single-threaded; the clock (monotonic nanoseconds) and the randomness are given,
 * so that tests can drive it.
 */
final class RelayBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private final LongSupplier nanoTime;
    private final RandomGenerator random;
    private int steps;
    private boolean paused;
    private long pausedUntilNanos;

    RelayBackoff(Duration initial, Duration max, LongSupplier nanoTime, RandomGenerator random) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.nanoTime = nanoTime;
        this.random = random;
    }

    /** Whether a pause runs: the relay claims nothing until it ends. */
    boolean isPaused() {
        return paused && nanoTime.getAsLong() - pausedUntilNanos < 0;
    }

    /**
     * A failure. Unless a pause runs already, starts one, a step longer than the last, and
     * answers its length in milliseconds: when to try again.
     */
    OptionalLong failed() {
        if (isPaused()) {
            return OptionalLong.empty();
        }
        steps++;
        long delay = delayMillis();
        paused = true;
        pausedUntilNanos = nanoTime.getAsLong() + delay * 1_000_000L;
        return OptionalLong.of(delay);
    }

    /** The current step's delay, jittered, without starting a pause: to space out retries of one operation. */
    long delayMillis() {
        int exponent = Math.min(Math.max(steps - 1, 0), 20);
        long base = Math.min(maxMillis, initialMillis << exponent);
        return Math.max(1, base / 2 + random.nextLong(base / 2 + 1));
    }

    /** Work succeeded: the next episode starts from the first step (a running pause runs out). */
    void succeeded() {
        steps = 0;
    }

    /** Forgets every failure and pause (the relay role was gained anew). */
    void reset() {
        steps = 0;
        paused = false;
    }
}
