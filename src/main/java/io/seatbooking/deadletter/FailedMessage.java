package io.seatbooking.deadletter;

import java.util.Map;

/**
 * A message that failed, as the failure channel keeps it: where it came from, why it failed, and
 * the message itself (its AMQP properties, headers and body), so that it can be shown and replayed
 * byte for byte. Shared by a message about to be parked ({@link ParkedMessage}) and a parked one
 * ({@link DeadLetter}).
 *
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
 */
public record FailedMessage(
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
        byte[] payload) {
}
