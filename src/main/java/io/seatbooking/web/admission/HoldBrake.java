package io.seatbooking.web.admission;

import io.seatbooking.platform.FinishingWorkLoad;

/**
 * How much of their room new holds get while the work that finishes bookings (the payments
 * consumer) has a backlog ({@link FinishingWorkLoad}): a factor on the holds' share of the limit,
 * cut by a third for every {@link #STEP_NANOS} with a backlog, down to {@link #FLOOR}, and given
 * back gradually (the whole of it within {@link #RECOVERY_NANOS}) once there is none.
 */
final class HoldBrake {

    /** How often the factor is reconsidered, at most. */
    static final long STEP_NANOS = 100_000_000L;
    /** A backlog for at least this share of a step: the step counts as one with a backlog. */
    static final double BACKLOG_SHARE = 0.9;
    /** The factor never goes below this: a few holds still get through. */
    static final double FLOOR = 0.1;
    /** From the floor back to no brake, once the backlog is gone. */
    static final long RECOVERY_NANOS = 4_000_000_000L;
    private static final double CUT = 2.0 / 3;

    private volatile double factor = 1.0;
    private long lastAt;
    private long lastBacklog;

    HoldBrake(long now, long backlogNanos) {
        this.lastAt = now;
        this.lastBacklog = backlogNanos;
    }

    /** The factor now, given the finishing work's time with a backlog so far. */
    synchronized double factor(long now, long backlogNanos) {
        long elapsed = now - lastAt;
        if (elapsed >= STEP_NANOS) {
            factor = next(factor, (double) (backlogNanos - lastBacklog) / elapsed, elapsed);
            lastAt = now;
            lastBacklog = backlogNanos;
        }
        return factor;
    }

    /** The factor as last reconsidered (for the gauge). */
    double current() {
        return factor;
    }

    /** The factor after {@code elapsed} nanoseconds of which {@code share} had a backlog. */
    static double next(double factor, double share, long elapsed) {
        if (share >= BACKLOG_SHARE) {
            return Math.max(FLOOR, factor * Math.pow(CUT, (double) elapsed / STEP_NANOS));
        }
        return Math.min(1.0, factor + (1.0 - FLOOR) * elapsed / RECOVERY_NANOS);
    }
}
