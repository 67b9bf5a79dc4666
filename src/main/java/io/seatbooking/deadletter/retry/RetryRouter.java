package io.seatbooking.deadletter.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.rabbitmq.client.AMQP;

import io.seatbooking.deadletter.DeadLetterHeaders;
import io.seatbooking.deadletter.Delivery;
import io.seatbooking.deadletter.FailureChannelTopology;
import io.seatbooking.deadletter.FailureSummary;
import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.messaging.ConfirmingPublisher.Outgoing;
import io.seatbooking.messaging.RabbitConnections;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Sends a failed message on: to the delay queue of its next retry step, or to the dead letter
 * exchange. The copy keeps the original body and properties and adds the failure headers
 * ({@link DeadLetterHeaders}); the returned {@link Uni} completes only once the broker confirmed
 * the copy, so that the caller can then ack the original without ever losing the message.
 */
@Singleton
public class RetryRouter {

    /** Why a message is parked after it failed transiently on every attempt. */
    public static final String RETRIES_EXHAUSTED = "retries-exhausted";

    private final RabbitConnections connections;
    private final ConfirmingPublisher publisher;

    public RetryRouter(RabbitConnections connections) {
        this.connections = connections;
        // Its own connection, opened at the first republish and again after one was lost; named as
        // operators know it from the broker's connection list.
        this.publisher = ConfirmingPublisher.stampingSequence(connections, "payments-republish",
                DeadLetterHeaders.REPUBLISH_SEQUENCE);
    }

    @PreDestroy
    void close() {
        publisher.shutdown();
    }

    /** Where a failed message went. */
    public record Route(boolean parked, int retryStep, String reason, int attempts) {
    }

    /**
     * After a transient failure of a message from {@code policy}'s work queue: the next delay
     * queue, or the dead letter exchange when every retry has been used.
     */
    public Uni<Route> retryOrPark(RetryPolicy policy, Delivery delivery, Throwable failure) {
        int attempts = delivery.previousAttempts() + 1;
        List<Duration> delays = policy.delays();
        String origin = FailureSummary.origin(failure);
        if (attempts > delays.size()) {
            return park(policy, delivery, RETRIES_EXHAUSTED, FailureSummary.of(failure), origin, attempts);
        }
        String delayQueue = FailureChannelTopology.delayQueue(policy.workQueue(), delays.get(attempts - 1));
        Map<String, Object> headers = failureHeaders(policy, delivery, "transient-failure", FailureSummary.of(failure),
                origin, attempts);
        return republish(new Outgoing(FailureChannelTopology.RETRY_EXCHANGE, delayQueue, properties(delivery, headers),
                delivery.body()), policy)
                .replaceWith(new Route(false, attempts, "transient-failure", attempts));
    }

    /** Parks the message at once: it goes to the dead letter exchange with its reason. */
    public Uni<Route> park(RetryPolicy policy, Delivery delivery, String reason, String summary, int attempts) {
        return park(policy, delivery, reason, summary, null, attempts);
    }

    private Uni<Route> park(RetryPolicy policy, Delivery delivery, String reason, String summary, String origin,
            int attempts) {
        Map<String, Object> headers = failureHeaders(policy, delivery, reason, summary, origin, attempts);
        headers.put(DeadLetterHeaders.DEAD_LETTER_ID, UUID.randomUUID().toString());
        return republish(new Outgoing(FailureChannelTopology.DEAD_LETTER_EXCHANGE, delivery.originalRoutingKey(),
                properties(delivery, headers), delivery.body()), policy)
                .replaceWith(new Route(true, 0, reason, attempts));
    }

    /**
     * Completes once the broker confirmed the copy; fails on a nack, a return, a lost connection
     * or no confirm within the policy's timeout. Either way it continues where the caller was
     * (the consumer's Vert.x context), not on a client thread.
     */
    private Uni<Void> republish(Outgoing copy, RetryPolicy policy) {
        Context caller = Vertx.currentContext();
        Uni<Void> confirmed = Uni.createFrom().completionStage(() -> publisher.publish(copy, policy.confirmTimeout()));
        return caller == null ? confirmed : confirmed.emitOn(command -> caller.runOnContext(ignored -> command.run()));
    }

    private Map<String, Object> failureHeaders(RetryPolicy policy, Delivery delivery, String reason, String summary,
            String origin, int attempts) {
        Map<String, Object> headers = new HashMap<>(delivery.headers());
        DeadLetterHeaders.BROKER_DEATH.forEach(headers::remove);
        headers.put(DeadLetterHeaders.ATTEMPTS, attempts);
        headers.put(DeadLetterHeaders.REASON, reason);
        headers.put(DeadLetterHeaders.EXCEPTION, summary);
        // The origin of this failure only: an earlier attempt's must not stick to a poison message.
        headers.remove(DeadLetterHeaders.FAILURE_ORIGIN);
        if (origin != null) {
            headers.put(DeadLetterHeaders.FAILURE_ORIGIN, origin);
        }
        headers.put(DeadLetterHeaders.FAILED_AT, Instant.now().atOffset(ZoneOffset.UTC).toString());
        headers.put(DeadLetterHeaders.FAILED_QUEUE, policy.workQueue());
        headers.put(DeadLetterHeaders.FAILED_BY, connections.instance());
        headers.put(DeadLetterHeaders.ORIGINAL_EXCHANGE, delivery.originalExchange());
        headers.put(DeadLetterHeaders.ORIGINAL_ROUTING_KEY, delivery.originalRoutingKey());
        return headers;
    }

    /**
     * The original properties, persistent. Expiration is dropped (a per-message TTL would cut a
     * delay short or expire a parked message) and so is user-id (the broker checks it against
     * this connection's user).
     */
    private static AMQP.BasicProperties properties(Delivery delivery, Map<String, Object> headers) {
        IncomingRabbitMQMetadata m = delivery.metadata();
        return new AMQP.BasicProperties.Builder()
                .contentType(m.getContentType().orElse(null))
                .contentEncoding(m.getContentEncoding().orElse(null))
                .headers(headers)
                .deliveryMode(2)
                .priority(m.getPriority().orElse(null))
                .correlationId(m.getCorrelationId().orElse(null))
                .replyTo(m.getReplyTo().orElse(null))
                .messageId(m.getMessageId().orElse(null))
                .timestamp(m.getTimestamp(ZoneOffset.UTC).map(t -> Date.from(t.toInstant())).orElse(null))
                .type(m.getType().orElse(null))
                .appId(m.getAppId().orElse(null))
                .build();
    }
}
