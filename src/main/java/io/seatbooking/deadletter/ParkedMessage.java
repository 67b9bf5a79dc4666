package io.seatbooking.deadletter;

import java.util.UUID;

/**
 * A message taken from the dead letter queue, about to be parked.
 *
 * @param id the parking table's id it gets
 * @param parkingKey identifies this dead-lettering (redeliveries of it park once)
 * @param message the message and why it failed
 * @param replayOf the parked letter this message was a replay of, if it was one
 * @param fingerprint the cause it failed of
 */
public record ParkedMessage(UUID id, String parkingKey, FailedMessage message, UUID replayOf,
        FailureFingerprint fingerprint) {
}
