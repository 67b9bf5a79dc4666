package io.seatbooking.outbox.relay;

import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Logs a warning at most once every 30 s and the rest at debug level, so that an outage, which
 * fails the same way many times a second, does not flood the log. Single-threaded (the relay's
 * context).
 */
final class RareWarnings {

    private static final long INTERVAL_NANOS = 30_000_000_000L;

    private final Logger log;
    private final LongSupplier nanoTime;
    private long lastWarningNanos;

    RareWarnings(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.lastWarningNanos = nanoTime.getAsLong() - 2 * INTERVAL_NANOS;
    }

    void warn(String message) {
        long now = nanoTime.getAsLong();
        if (now - lastWarningNanos > INTERVAL_NANOS) {
            lastWarningNanos = now;
            log.warn(message);
        } else {
            log.debug(message);
        }
    }
}
