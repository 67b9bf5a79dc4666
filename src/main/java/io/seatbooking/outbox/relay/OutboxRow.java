package io.seatbooking.outbox.relay;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A pending outbox row as the relay claimed it.
 *
 * @param id the row id (commit order within one subject)
 * @param createdAt when the business transaction wrote it
 * @param partition the relay partition of its subject
 * @param heldBack an earlier row of the same subject was still pending when the row was claimed
 */
public record OutboxRow(long id, UUID eventId, String eventType, String subject, long sequence, String exchange,
        String routingKey, String contentType, Map<String, Object> headers, byte[] payload, Instant createdAt,
        int partition, boolean heldBack) {
}
