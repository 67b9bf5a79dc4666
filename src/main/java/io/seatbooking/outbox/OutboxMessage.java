package io.seatbooking.outbox;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One message for the relay to publish, exactly as it will go on the wire.
 *
 * @param eventId the AMQP {@code message-id}; for this service's own events also the CloudEvent id
 * @param eventType the AMQP {@code type} property
 * @param subject the aggregate the message is about; the relay keeps per-subject order
 * @param sequence the aggregate's version; strictly increasing per subject
 * @param exchange the exchange to publish to
 * @param routingKey the routing key
 * @param contentType the AMQP {@code content-type} property
 * @param headers extra AMQP headers (string values), such as {@code traceparent}
 * @param payload the message body
 */
public record OutboxMessage(
        UUID eventId,
        String eventType,
        String subject,
        long sequence,
        String exchange,
        String routingKey,
        String contentType,
        Map<String, String> headers,
        byte[] payload) {

    public OutboxMessage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(payload, "payload");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
