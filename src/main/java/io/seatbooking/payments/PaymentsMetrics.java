package io.seatbooking.payments;

import java.util.List;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.seatbooking.deadletter.PoisonMessageException;
import io.seatbooking.deadletter.retry.RetryRouter;

/**
 * Counters of the payments consumer (Prometheus names in brackets):
 * <ul>
 * <li>{@code payments.consumed} [payments_consumed_total] by {@code outcome}: confirmed,
 * cancelled, refund-requested, already-applied, no-change, duplicate, retried, parked;
 * <li>{@code payments.inbox.duplicates} [payments_inbox_duplicates_total]: redeliveries skipped;
 * <li>{@code payments.retries} [payments_retries_total] by {@code step} (1 = first retry);
 * <li>{@code payments.parked} [payments_parked_total] by {@code reason}: sent to the DLX;
 * <li>{@code payments.requeued} [payments_requeued_total]: handed back to the broker because
 * neither processing nor a republish worked;
 * <li>{@code payments.amount.mismatches} [payments_amount_mismatches_total]: payment.succeeded
 * whose amount or currency was not the booking's total (refund requested, booking unchanged).
 * </ul>
 */
@Startup
@Singleton
public class PaymentsMetrics {

    private final MeterRegistry registry;

    /**
     * Registers every documented series at start, at zero, so that it is there before its first
     * use: each outcome, each retry step, and the parking reasons this service gives itself.
     */
    public PaymentsMetrics(MeterRegistry registry, PaymentsConfig config) {
        this.registry = registry;
        for (PaymentOutcome outcome : PaymentOutcome.values()) {
            counter("payments.consumed", "outcome", outcome.slug());
        }
        counter("payments.consumed", "outcome", "retried");
        counter("payments.consumed", "outcome", "parked");
        counter("payments.inbox.duplicates");
        counter("payments.requeued");
        counter("payments.amount.mismatches");
        for (int step = 1; step <= config.retry().delays().size(); step++) {
            counter("payments.retries", "step", Integer.toString(step));
        }
        for (String reason : List.of(PoisonMessageException.TOO_LARGE, PoisonMessageException.UNPARSEABLE,
                PoisonMessageException.UNKNOWN_TYPE, PoisonMessageException.MISSING_FIELDS,
                PoisonMessageException.INVALID_FIELDS, PoisonMessageException.MISSING_MESSAGE_ID,
                PoisonMessageException.UNKNOWN_BOOKING, RetryRouter.RETRIES_EXHAUSTED)) {
            counter("payments.parked", "reason", reason);
        }
    }

    public void consumed(PaymentOutcome outcome) {
        counter("payments.consumed", "outcome", outcome.slug()).increment();
        if (outcome == PaymentOutcome.DUPLICATE) {
            counter("payments.inbox.duplicates").increment();
        }
    }

    public void retried(int step) {
        counter("payments.consumed", "outcome", "retried").increment();
        counter("payments.retries", "step", Integer.toString(step)).increment();
    }

    public void parked(String reason) {
        counter("payments.consumed", "outcome", "parked").increment();
        counter("payments.parked", "reason", reason).increment();
    }

    public void amountMismatch() {
        counter("payments.amount.mismatches").increment();
    }

    public void requeued() {
        counter("payments.requeued").increment();
    }

    private Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).register(registry);
    }
}
