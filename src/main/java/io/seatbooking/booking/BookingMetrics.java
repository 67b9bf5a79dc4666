package io.seatbooking.booking;

import java.util.List;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Bookings by outcome and the conflicts behind them:
 * <ul>
 * <li>{@code bookings_holds_total{outcome}}: {@code held}, {@code seat-unavailable},
 * {@code rejected} (unknown show, invalid seat list);</li>
 * <li>{@code bookings_transitions_total{to}}: {@code confirmed}, {@code cancelled},
 * {@code expired}, {@code refund-requested};</li>
 * <li>{@code bookings_conflicts_total{kind}}: {@code seat-taken-after-read} (a hold lost a seat
 * between its read and its conditional update), {@code version-retry} (a confirm, cancel or
 * expiry found another version and decided again), {@code database-retry} (deadlock or
 * serialization failure, run again).</li>
 * </ul>
 */
@Startup
@Singleton
public class BookingMetrics {

    private static final List<String> HOLD_OUTCOMES = List.of("held", "seat-unavailable", "rejected");
    private static final List<String> TRANSITIONS = List.of("confirmed", "cancelled", "expired", "refund-requested");
    private static final List<String> CONFLICTS = List.of("seat-taken-after-read", "version-retry", "database-retry");

    private final MeterRegistry registry;

    /** Registers every documented series at start, at zero, so that it is there before its first use. */
    public BookingMetrics(MeterRegistry registry) {
        this.registry = registry;
        HOLD_OUTCOMES.forEach(outcome -> counter("bookings.holds", "outcome", outcome, "Hold requests by outcome"));
        TRANSITIONS.forEach(to -> counter("bookings.transitions", "to", to, "Booking state changes after the hold"));
        CONFLICTS.forEach(kind -> counter("bookings.conflicts", "kind", kind, "Optimistic-concurrency conflicts, by kind"));
    }

    public void hold(String outcome) {
        counter("bookings.holds", "outcome", outcome, "Hold requests by outcome").increment();
    }

    public void transition(String to) {
        counter("bookings.transitions", "to", to, "Booking state changes after the hold").increment();
    }

    /** One committed batch of a show cancellation: its cancellations and refund requests. */
    public void showCancellationBatch(int cancelled, int refunds) {
        counter("bookings.transitions", "to", "cancelled", "Booking state changes after the hold").increment(cancelled);
        counter("bookings.transitions", "to", "refund-requested", "Booking state changes after the hold")
                .increment(refunds);
    }

    public void conflict(String kind) {
        counter("bookings.conflicts", "kind", kind, "Optimistic-concurrency conflicts, by kind").increment();
    }

    private Counter counter(String name, String tag, String value, String description) {
        return Counter.builder(name).tag(tag, value).description(description).register(registry);
    }
}
