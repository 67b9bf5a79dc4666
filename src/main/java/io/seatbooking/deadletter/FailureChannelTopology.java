package io.seatbooking.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.seatbooking.messaging.Topology;

/**
 * The broker topology of the failure channel: delayed retries, and the dead letter exchange with
 * the queue that drains into the parking table.
 *
 * <pre>
 * booking.payments.retry (direct) --&lt;work&gt;.retry.1s--&gt; &lt;work&gt;.retry.1s (TTL 1 s)
 *                                 --&lt;work&gt;-----------&gt; &lt;work&gt;
 * &lt;work&gt;.retry.1s --dead-letters on expiry to booking.payments.retry / &lt;work&gt;
 * booking.dlx (topic) --#--&gt; booking.dead-letters (quorum)
 * </pre>
 *
 * The channel declares its shared part itself (the two exchanges and the dead letter queue). A
 * feature whose work queue uses the channel declares that queue with {@link #quorumArguments()}
 * and {@code x-dead-letter-exchange} = {@link #DEAD_LETTER_EXCHANGE}, and adds
 * {@link #retriesFor(String, List)} to its own topology. Every queue is a quorum queue with
 * at-least-once dead lettering (and so reject-publish on overflow), so that neither an expiring
 * delay nor a crash-looping message can be dropped between two queues. Queue arguments cannot
 * change once a queue exists, so each retry delay gets a queue named for it. The names are those
 * of the first user (payments) and stay as they are: queues and bindings exist on running brokers.
 */
public class FailureChannelTopology {

    /** Routes retries into their delay queue, and expired delays back into their work queue. */
    public static final String RETRY_EXCHANGE = "booking.payments.retry";
    /** The dead letter exchange: everything routed here is parked. */
    public static final String DEAD_LETTER_EXCHANGE = "booking.dlx";
    /** The queue that drains into the parking table. */
    public static final String DEAD_LETTER_QUEUE = "booking.dead-letters";

    @Produces
    @Singleton
    Topology failureChannel() {
        return shared();
    }

    /** The part every user shares: the retry exchange, the dead letter exchange and queue. */
    public static Topology shared() {
        return new Topology(
                List.of(new Topology.Exchange(RETRY_EXCHANGE, "direct", Map.of()),
                        new Topology.Exchange(DEAD_LETTER_EXCHANGE, "topic", Map.of())),
                List.of(new Topology.Queue(DEAD_LETTER_QUEUE, Map.of("x-queue-type", "quorum"))),
                List.of(new Topology.Binding(DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, false, "#")));
    }

    /**
     * The delay queues of {@code workQueue}, one per distinct delay, each bound to the retry
     * exchange under its own name and handing its messages back to the work queue on expiry, and
     * the binding of that way back.
     */
    public static Topology retriesFor(String workQueue, List<Duration> delays) {
        List<Topology.Queue> queues = new ArrayList<>();
        List<Topology.Binding> bindings = new ArrayList<>();
        bindings.add(new Topology.Binding(RETRY_EXCHANGE, workQueue, false, workQueue));
        Map<String, Duration> byQueue = new LinkedHashMap<>();
        delays.forEach(delay -> byQueue.putIfAbsent(delayQueue(workQueue, delay), delay));
        byQueue.forEach((delayQueue, delay) -> {
            Map<String, Object> args = quorumArguments();
            args.put("x-message-ttl", delay.toMillis());
            args.put("x-dead-letter-exchange", RETRY_EXCHANGE);
            args.put("x-dead-letter-routing-key", workQueue);
            queues.add(new Topology.Queue(delayQueue, args));
            bindings.add(new Topology.Binding(RETRY_EXCHANGE, delayQueue, false, delayQueue));
        });
        return new Topology(List.of(), queues, bindings);
    }

    /**
     * The delay queue of one retry delay of {@code workQueue}, named for the delay:
     * {@code booking.payments.retry.1s}, {@code booking.payments.retry.500ms}. Its name is also
     * its routing key on the retry exchange.
     */
    public static String delayQueue(String workQueue, Duration delay) {
        long millis = delay.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("A retry delay must be positive: " + delay);
        }
        String suffix = millis % 60_000 == 0 ? millis / 60_000 + "m"
                : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        return workQueue + ".retry." + suffix;
    }

    /**
     * Whether {@code queue} is a work queue that the retry exchange of {@code declared} routes
     * back to: only then can a message be sent into that queue alone. (A delay queue is bound the
     * same way, but it is where a retry waits, not where a message is processed.)
     */
    public static boolean routesBackTo(Topology declared, String queue) {
        return queue != null
                && declared.bindings().contains(new Topology.Binding(RETRY_EXCHANGE, queue, false, queue))
                && declared.queues().stream().noneMatch(q -> q.name().equals(queue)
                        && RETRY_EXCHANGE.equals(q.arguments().get("x-dead-letter-exchange")));
    }

    /**
     * Quorum, at-least-once dead lettering (which requires reject-publish overflow): the
     * arguments of a queue whose messages must not be lost when they are dead-lettered. A new,
     * modifiable map for the caller to add to.
     */
    public static Map<String, Object> quorumArguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-queue-type", "quorum");
        args.put("x-dead-letter-strategy", "at-least-once");
        args.put("x-overflow", "reject-publish");
        return args;
    }
}
