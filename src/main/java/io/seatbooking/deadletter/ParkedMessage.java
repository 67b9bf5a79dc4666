package io.seatbooking.deadletter;

import java.util.Map;
import java.util.UUID;

/**
 * A message taken from the dead letter queue, about to be parked.
 *
 * @param parkingKey identifies this dead-lettering (redeliveries of it park once)
 * @param replayOf the parked letter this message was a replay of, if it was one
 */
public record ParkedMessage(
        UUID id,
        String parkingKey,
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
        UUID replayOf) {
}
