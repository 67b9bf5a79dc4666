package io.seatbooking.deadletter;

import java.util.Map;
import java.util.Optional;

import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;

/**
 * One delivery from the work queue: the raw body and the AMQP properties and envelope, as the
 * consumer needs them to process, retry or park it.
 */
public record Delivery(IncomingRabbitMQMetadata metadata, byte[] body) {

    public Delivery {
        body = body == null ? new byte[0] : body;
    }

    public Map<String, Object> headers() {
        return metadata.getHeaders();
    }

    /** The AMQP message-id, if the publisher set one. */
    public Optional<String> messageId() {
        return metadata.getMessageId().filter(id -> !id.isBlank());
    }

    /**
     * The id to deduplicate by: the message id a replay preserved, else the AMQP message-id.
     * Empty when neither is present (the parser then falls back to the CloudEvent id).
     */
    public Optional<String> dedupeId() {
        Object original = headers().get(DeadLetterHeaders.ORIGINAL_MESSAGE_ID);
        if (original != null && !original.toString().isBlank()) {
            return Optional.of(original.toString());
        }
        return messageId();
    }

    /** Failed attempts before this one (0 on a first delivery; garbage counts as 0). */
    public int previousAttempts() {
        Object value = headers().get(DeadLetterHeaders.ATTEMPTS);
        if (value instanceof Number n) {
            return Math.max(0, n.intValue());
        }
        if (value != null) {
            try {
                return Math.max(0, Integer.parseInt(value.toString().trim()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The exchange the message was first published to. */
    public String originalExchange() {
        return header(DeadLetterHeaders.ORIGINAL_EXCHANGE).orElse(metadata.getExchange());
    }

    /** The routing key the message was first published with. */
    public String originalRoutingKey() {
        return header(DeadLetterHeaders.ORIGINAL_ROUTING_KEY).orElse(metadata.getRoutingKey());
    }

    private Optional<String> header(String name) {
        Object value = headers().get(name);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }
}
