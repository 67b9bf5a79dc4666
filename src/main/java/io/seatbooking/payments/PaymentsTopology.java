package io.seatbooking.payments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.seatbooking.messaging.Topology;
import io.seatbooking.payments.PaymentsConfig;

/**
 * The broker topology of payments in, retries and the dead letter channel:
 *
 * <pre>
 * payments (topic) --payment.succeeded|payment.failed--> booking.payments (quorum, delivery limit)
 * booking.payments.retry (direct) --booking.payments.retry.1s--> booking.payments.retry.1s (TTL 1 s)
 *                                 --booking.payments----------> booking.payments
 * booking.payments.retry.1s --dead-letters on expiry to booking.payments.retry / booking.payments
 * booking.dlx (topic) --#--> booking.dead-letters (quorum)
 * booking.payments --over the delivery limit, dead-letters to--> booking.dlx
 * </pre>
 *
 * Every queue is a quorum queue with at-least-once dead lettering (and so reject-publish on
 * overflow), so that neither an expiring delay nor a crash-looping message can be dropped between
 * two queues. Queue arguments cannot change once a queue exists: the delivery limit is a constant
 * (change it with a policy), and each retry delay gets a queue named for it.
 */
public class PaymentsTopology {

    /** The topic exchange payment events are published to (owned by the payments service). */
    public static final String PAYMENTS_EXCHANGE = "payments";
    /** This service's work queue of payment events. */
    public static final String WORK_QUEUE = "booking.payments";
    /** Routes retries into their delay queue, and expired delays back into the work queue. */
    public static final String RETRY_EXCHANGE = "booking.payments.retry";
    /** The dead letter exchange: everything routed here is parked. */
    public static final String DEAD_LETTER_EXCHANGE = "booking.dlx";
    /** The queue that drains into the parking table. */
    public static final String DEAD_LETTER_QUEUE = "booking.dead-letters";
    /** Deliveries (a crash or requeue each) after which the broker dead-letters a message itself. */
    public static final int DELIVERY_LIMIT = 10;

    public static final String PAYMENT_SUCCEEDED = "payment.succeeded";
    public static final String PAYMENT_FAILED = "payment.failed";

    @Produces
    @Singleton
    Topology paymentsTopology(PaymentsConfig config) {
        return of(config.retry().delays());
    }

    /** The topology for the given retry delays. */
    public static Topology of(List<Duration> retryDelays) {
        List<Topology.Exchange> exchanges = List.of(
                new Topology.Exchange(PAYMENTS_EXCHANGE, "topic", Map.of()),
                new Topology.Exchange(RETRY_EXCHANGE, "direct", Map.of()),
                new Topology.Exchange(DEAD_LETTER_EXCHANGE, "topic", Map.of()));

        List<Topology.Queue> queues = new ArrayList<>();
        Map<String, Object> work = quorum();
        work.put("x-delivery-limit", DELIVERY_LIMIT);
        work.put("x-dead-letter-exchange", DEAD_LETTER_EXCHANGE);
        queues.add(new Topology.Queue(WORK_QUEUE, work));
        queues.add(new Topology.Queue(DEAD_LETTER_QUEUE, Map.of("x-queue-type", "quorum")));

        List<Topology.Binding> bindings = new ArrayList<>();
        bindings.add(new Topology.Binding(PAYMENTS_EXCHANGE, WORK_QUEUE, false, PAYMENT_SUCCEEDED));
        bindings.add(new Topology.Binding(PAYMENTS_EXCHANGE, WORK_QUEUE, false, PAYMENT_FAILED));
        bindings.add(new Topology.Binding(RETRY_EXCHANGE, WORK_QUEUE, false, WORK_QUEUE));
        bindings.add(new Topology.Binding(DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, false, "#"));

        for (String delayQueue : retryDelays.stream().map(PaymentsTopology::retryQueue).distinct().toList()) {
            Duration delay = retryDelays.stream().filter(d -> retryQueue(d).equals(delayQueue)).findFirst().orElseThrow();
            Map<String, Object> args = quorum();
            args.put("x-message-ttl", delay.toMillis());
            args.put("x-dead-letter-exchange", RETRY_EXCHANGE);
            args.put("x-dead-letter-routing-key", WORK_QUEUE);
            queues.add(new Topology.Queue(delayQueue, args));
            bindings.add(new Topology.Binding(RETRY_EXCHANGE, delayQueue, false, delayQueue));
        }
        return new Topology(exchanges, queues, bindings);
    }

    /**
     * The delay queue of one retry delay, named for the delay: {@code booking.payments.retry.1s},
     * {@code booking.payments.retry.500ms}. Its name is also its routing key on the retry exchange.
     */
    public static String retryQueue(Duration delay) {
        long millis = delay.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("A retry delay must be positive: " + delay);
        }
        String suffix = millis % 60_000 == 0 ? millis / 60_000 + "m"
                : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        return WORK_QUEUE + ".retry." + suffix;
    }

    // Quorum, at-least-once dead lettering (which requires reject-publish overflow).
    private static Map<String, Object> quorum() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-queue-type", "quorum");
        args.put("x-dead-letter-strategy", "at-least-once");
        args.put("x-overflow", "reject-publish");
        return args;
    }
}
