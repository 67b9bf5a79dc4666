package io.seatbooking.support;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.AMQP;

import io.seatbooking.deadletter.DeadLetterHeaders;
import io.seatbooking.deadletter.FailureChannelTopology;

/**
 * Messages as the service sends them to the dead letter exchange after a failure (the failure
 * headers of {@link DeadLetterHeaders}), so that a test can park many letters of chosen causes
 * quickly through the real drain.
 */
public final class FailedMessages {

    private FailedMessages() {
    }

    /** One cause of failure. */
    public record Cause(String reason, String exception, String origin) {
    }

    /**
     * A failed message on its way to {@code booking.dlx}.
     *
     * @param exchange the exchange it was first published to (a replay goes there)
     * @param type its AMQP type (the fingerprint's message type)
     */
    public static Broker.Outgoing failed(String exchange, String routingKey, String type, String messageId,
            Cause cause, byte[] body) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(DeadLetterHeaders.REASON, cause.reason());
        if (cause.exception() != null) {
            headers.put(DeadLetterHeaders.EXCEPTION, cause.exception());
        }
        if (cause.origin() != null) {
            headers.put(DeadLetterHeaders.FAILURE_ORIGIN, cause.origin());
        }
        headers.put(DeadLetterHeaders.ATTEMPTS, 4);
        headers.put(DeadLetterHeaders.FAILED_QUEUE, "booking.payments");
        headers.put(DeadLetterHeaders.ORIGINAL_EXCHANGE, exchange);
        headers.put(DeadLetterHeaders.ORIGINAL_ROUTING_KEY, routingKey);
        headers.put(DeadLetterHeaders.DEAD_LETTER_ID, UUID.randomUUID().toString());
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(messageId).type(type)
                .contentType("application/json").deliveryMode(2).headers(headers).build();
        return new Broker.Outgoing(FailureChannelTopology.DEAD_LETTER_EXCHANGE, routingKey, properties, body);
    }

    /** A small JSON body naming the message. */
    public static byte[] body(String messageId) {
        return ("{\"id\":\"" + messageId + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
