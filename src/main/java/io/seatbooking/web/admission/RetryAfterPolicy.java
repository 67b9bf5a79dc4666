package io.seatbooking.web.admission;

import java.time.Duration;

/**
 * How long a shed client is told to wait ({@code Retry-After}), scaled to the load, so that
 * retries cannot keep the service overloaded after the crowd that caused it stopped growing.
 *
 * <p>With a fixed wait, every shed client comes back within that wait: a crowd of {@code W}
 * waiting clients offers {@code W / wait} requests a second whatever the service serves, and once
 * that exceeds its capacity it sheds for as long as the crowd keeps retrying (a retry storm: the
 * 20,000-customer waiting room benchmark made 1.4 million join attempts for 4,949 joins). Here the
 * wait follows what the last window saw: when sheds were more than a tenth of the requests
 * served, the wait grows by the factor {@code (served + shed) / served} (at most doubling per
 * window), which brings the retries of the crowd seen down to about what was served; in a window
 * with few sheds it halves, down to the configured minimum. The answer is jittered over
 * {@code [wait, wait + max(jitter, wait)]} so that retries do not come back in step.
 *
 * <p>Plain bookkeeping, safe for concurrent use (synchronized: one short critical section per
 * answered or shed request).
 */
public final class RetryAfterPolicy {

    private static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();
    /** Sheds below this share of the served requests do not lengthen the wait. */
    private static final double TOLERATED_SHED_SHARE = 0.1;

    private final long minSeconds;
    private final long maxSeconds;
    private final long jitterSeconds;

    private long windowStart;
    private long served;
    private long shed;
    private double waitSeconds;

    public RetryAfterPolicy(Duration min, Duration max, Duration jitter, long nowNanos) {
        this.minSeconds = Math.max(1, min.toSeconds());
        this.maxSeconds = Math.max(minSeconds, max.toSeconds());
        this.jitterSeconds = Math.max(0, jitter.toSeconds());
        this.waitSeconds = minSeconds;
        this.windowStart = nowNanos;
    }

    /** A request was answered (not shed). */
    public synchronized void served(long nowNanos) {
        roll(nowNanos);
        served++;
    }

    /** A request was shed ({@code 503 overloaded}). */
    public synchronized void shed(long nowNanos) {
        roll(nowNanos);
        shed++;
    }

    /** The wait before jitter, in seconds, as of {@code nowNanos}. */
    public synchronized long waitSeconds(long nowNanos) {
        roll(nowNanos);
        return Math.round(waitSeconds);
    }

    /** The {@code Retry-After} to send now: the wait plus {@code draw} (in [0, 1)) of its jitter range. */
    public long retryAfterSeconds(long nowNanos, double draw) {
        long wait = waitSeconds(nowNanos);
        long spread = Math.max(jitterSeconds, wait);
        return wait + (long) Math.floor(draw * (spread + 1));
    }

    private void roll(long nowNanos) {
        long elapsed = nowNanos - windowStart;
        if (elapsed < WINDOW_NANOS) {
            return;
        }
        if (shed > TOLERATED_SHED_SHARE * served && shed > 0) {
            double factor = Math.min(2.0, (double) (served + shed) / Math.max(1, served));
            waitSeconds = Math.min(maxSeconds, waitSeconds * factor);
        } else {
            waitSeconds = Math.max(minSeconds, waitSeconds / 2);
        }
        // A window without traffic (no request at all) counts as quiet; several such windows halve once
        // each, so that a long pause brings the wait back to the minimum.
        long idleWindows = elapsed / WINDOW_NANOS - 1;
        for (long i = 0; i < idleWindows && waitSeconds > minSeconds; i++) {
            waitSeconds = Math.max(minSeconds, waitSeconds / 2);
        }
        windowStart = nowNanos;
        served = 0;
        shed = 0;
    }
}
