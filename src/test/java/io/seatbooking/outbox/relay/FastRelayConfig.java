package io.seatbooking.outbox.relay;

import java.time.Duration;

import io.seatbooking.outbox.OutboxConfig;

/** Short timings, so that faults are detected and retried within a test's patience. */
final class FastRelayConfig implements OutboxConfig.Relay {
    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public int batchSize() {
        return 500;
    }

    @Override
    public int maxInFlight() {
        return 1000;
    }

    @Override
    public Duration confirmTimeout() {
        return Duration.ofSeconds(3);
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(300);
    }

    @Override
    public Duration backoffInitial() {
        return Duration.ofMillis(100);
    }

    @Override
    public Duration backoffMax() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration drainTimeout() {
        return Duration.ofSeconds(5);
    }
}
