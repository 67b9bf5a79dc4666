package io.seatbooking.deadletter;

import java.time.Instant;

/**
 * Letters of one failure group (or one reason, or one message type, as the summary was asked for)
 * within the summary's time range.
 *
 * @param key the group's key: the fingerprint id, the reason or the message type
 * @param sample the fingerprint of one letter of the group: for a fingerprint group it is the
 *        group's, for the coarser summaries only its {@code reason} or {@code messageType} holds
 *        for every letter
 * @param parked letters still PARKED
 * @param total letters of any status
 * @param firstSeen when the earliest was parked
 * @param lastSeen when the latest was parked
 */
public record FailureGroup(String key, FailureFingerprint sample, long parked, long total, Instant firstSeen,
        Instant lastSeen) {

    /** What a summary groups by. */
    public enum By {
        /** The whole {@link FailureFingerprint}. */
        GROUP,
        /** The reason slug alone. */
        REASON,
        /** The message type alone. */
        MESSAGE_TYPE
    }
}
