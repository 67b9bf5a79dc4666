package io.seatbooking.deadletter;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One parked message, as stored.
 *
 * @param id the parking table's id (the admin API's)
 * @param messageId the AMQP message-id, if any
 * @param sourceQueue the queue it failed in
 * @param originalExchange the exchange it was first published to
 * @param originalRoutingKey the routing key it was first published with
 * @param reason why it was parked (a slug)
 * @param exceptionSummary the last failure in one line, if any
 * @param attempts the failed processing attempts
 * @param contentType the AMQP content-type, if any
 * @param messageType the AMQP type property, if any
 * @param headers the AMQP headers, as JSON values (null in listings)
 * @param payload the body, byte for byte (null in listings)
 * @param payloadBytes the body's size
 * @param parkedAt when it was stored
 * @param status PARKED, REPLAYED or DISCARDED
 * @param resolvedAt when it was replayed or discarded
 * @param resolvedBy who replayed or discarded it
 * @param replayEventId the message id the replay was published with
 * @param replayOf the parked letter this message was itself a replay of
 */
public record DeadLetter(
        UUID id,
        String messageId,
        String sourceQueue,
        String originalExchange,
        String originalRoutingKey,
        String reason,
        String exceptionSummary,
        int attempts,
        String contentType,
        String messageType,
        Map<String, Object> headers,
        byte[] payload,
        int payloadBytes,
        Instant parkedAt,
        DeadLetterStatus status,
        Instant resolvedAt,
        String resolvedBy,
        UUID replayEventId,
        UUID replayOf) {
}
