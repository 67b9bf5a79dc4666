package io.seatbooking.payments;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.seatbooking.deadletter.FailureChannelTopology;
import io.seatbooking.messaging.Topology;

/**
 * The broker topology of payments in, and its use of the failure channel:
 *
 * <pre>
 * payments (topic) --payment.succeeded|payment.failed--&gt; booking.payments (quorum, delivery limit)
 * booking.payments --over the delivery limit, dead-letters to--&gt; booking.dlx
 * booking.payments.retry.&lt;delay&gt; (one per retry delay) --on expiry--&gt; booking.payments
 * </pre>
 *
 * The retry exchange, the dead letter exchange and queue belong to the failure channel
 * ({@link FailureChannelTopology}); payments adds its delay queues to it. Queue arguments cannot
 * change once a queue exists: the delivery limit is a constant (change it with a policy).
 */
public class PaymentsTopology {

    /** The topic exchange payment events are published to (owned by the payments service). */
    public static final String PAYMENTS_EXCHANGE = "payments";
    /** This service's work queue of payment events. */
    public static final String WORK_QUEUE = "booking.payments";
    /** Deliveries (a crash or requeue each) after which the broker dead-letters a message itself. */
    public static final int DELIVERY_LIMIT = 10;

    public static final String PAYMENT_SUCCEEDED = "payment.succeeded";
    public static final String PAYMENT_FAILED = "payment.failed";

    @Produces
    @Singleton
    Topology paymentsTopology(PaymentsConfig config) {
        return of(config.retry().delays());
    }

    /** The payments part of the topology for the given retry delays. */
    public static Topology of(List<Duration> retryDelays) {
        Map<String, Object> work = FailureChannelTopology.quorumArguments();
        work.put("x-delivery-limit", DELIVERY_LIMIT);
        work.put("x-dead-letter-exchange", FailureChannelTopology.DEAD_LETTER_EXCHANGE);
        Topology own = new Topology(
                List.of(new Topology.Exchange(PAYMENTS_EXCHANGE, "topic", Map.of())),
                List.of(new Topology.Queue(WORK_QUEUE, work)),
                List.of(new Topology.Binding(PAYMENTS_EXCHANGE, WORK_QUEUE, false, PAYMENT_SUCCEEDED),
                        new Topology.Binding(PAYMENTS_EXCHANGE, WORK_QUEUE, false, PAYMENT_FAILED)));
        return Topology.merge(List.of(own, FailureChannelTopology.retriesFor(WORK_QUEUE, retryDelays)));
    }
}
