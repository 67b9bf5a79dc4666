package io.seatbooking.deadletter;

import java.time.Instant;
import java.util.UUID;

/**
 * One parked message, as stored.
 *
 * @param id the parking table's id (the admin API's)
 * @param message the message and why it failed (headers and payload null in listings)
 * @param payloadBytes the body's size
 * @param parkedAt when it was stored
 * @param status PARKED, REPLAYED or DISCARDED
 * @param resolvedAt when it was replayed or discarded
 * @param resolvedBy who replayed or discarded it
 * @param replayEventId the message id the replay was published with
 * @param replayOf the parked letter this message was itself a replay of
 * @param fingerprint the cause it failed of, which groups it with others
 * @param resolvedByJob the bulk job that replayed or discarded it, if one did
 */
public record DeadLetter(
        UUID id,
        FailedMessage message,
        int payloadBytes,
        Instant parkedAt,
        DeadLetterStatus status,
        Instant resolvedAt,
        String resolvedBy,
        UUID replayEventId,
        UUID replayOf,
        FailureFingerprint fingerprint,
        UUID resolvedByJob) {
}
