package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The lease holder's local deadline: the monotonic time at which it sent its last successful
 * acquisition or renewal, plus 80% of the TTL. The database sets the expiry from its own clock
 * after it received that statement, so the local deadline passes before any other replica can
 * acquire the lease, whatever the clocks of the machines say; a holder stops at its local deadline
 * even when it cannot reach the database to learn more.
 *
 * <p>Plain; the monotonic clock (nanoseconds) is given. Thread-safe: renewals complete on a
 * database thread while the relay reads the deadline on its own.
 */
final class LeaseDeadline {

    /** The share of the TTL the holder relies on; the rest is margin for the clocks' rates and pauses. */
    static final double SHARE_OF_TTL = 0.8;

    private final long validNanos;
    private final LongSupplier nanoTime;
    private volatile boolean set;
    private volatile long deadlineNanos;

    LeaseDeadline(Duration ttl, LongSupplier nanoTime) {
        this.validNanos = (long) (ttl.toNanos() * SHARE_OF_TTL);
        this.nanoTime = nanoTime;
    }

    /** The time to note just before a renewal is sent, for {@link #renewedAsSentAt}. */
    long now() {
        return nanoTime.getAsLong();
    }

    /** The renewal (or acquisition) sent at {@code sentAtNanos} succeeded. */
    void renewedAsSentAt(long sentAtNanos) {
        deadlineNanos = sentAtNanos + validNanos;
        set = true;
    }

    /** Whether the deadline passed (or was never set). */
    boolean passed() {
        return !set || nanoTime.getAsLong() - deadlineNanos >= 0;
    }
}
