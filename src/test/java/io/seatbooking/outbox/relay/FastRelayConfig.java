package io.seatbooking.outbox.relay;

import java.time.Duration;

import io.seatbooking.outbox.OutboxConfig;

/** Short timings, so that faults are detected and retried within a test's patience. */
record FastRelayConfig(boolean enabled, int batchSize, int maxInFlight, Duration confirmTimeout, Duration claimSpacing,
        Duration markLinger, Duration pollInterval, Duration backoffInitial, Duration backoffMax, Duration stepAsideAfter,
        Duration drainTimeout)
        implements OutboxConfig.Relay {

    FastRelayConfig() {
        this(true, 500, 1000, Duration.ofSeconds(3), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(300),
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }
}
