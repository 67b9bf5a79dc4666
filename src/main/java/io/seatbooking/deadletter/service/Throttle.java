package io.seatbooking.deadletter.service;

/**
 * Paces a bulk job at a rate: after a batch of {@code n} letters, the next batch may start
 * {@code n / rate} seconds after the previous one was allowed to, so that over any stretch the job
 * resolves at most {@code rate} letters per second (plus one batch). Time the job spent waiting
 * for the database counts towards the pause; a slow batch is not made up for by a burst later, as
 * the schedule never lags more than one batch behind the clock.
 */
public final class Throttle {

    private final int ratePerSecond;
    private double nextAllowedMillis = Double.NaN;

    public Throttle(int ratePerSecond) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 per second");
        }
        this.ratePerSecond = ratePerSecond;
    }

    /** How many letters a batch should hold: about a quarter second's worth, at most {@code max}. */
    public int batchSize(int max) {
        return Math.max(1, Math.min(max, ratePerSecond / 4));
    }

    /**
     * Records a batch of {@code resolved} letters that started at {@code startedMillis}, and answers
     * how long to wait from {@code nowMillis} before the next batch starts.
     */
    public long pauseAfter(int resolved, long startedMillis, long nowMillis) {
        double base = Double.isNaN(nextAllowedMillis) ? startedMillis : Math.max(nextAllowedMillis, startedMillis);
        nextAllowedMillis = base + resolved * 1000.0 / ratePerSecond;
        return Math.max(0, (long) Math.ceil(nextAllowedMillis - nowMillis));
    }
}
