package io.seatbooking.deadletter;

import java.time.Instant;
import java.util.UUID;

/**
 * One bulk replay or discard: its audit record and its progress.
 *
 * @param id the job's id
 * @param action what it does to each letter
 * @param filter which letters: the PARKED ones matching it, parked up to {@code snapshotAt}
 * @param requestedBy who asked for it
 * @param requestedAt when
 * @param snapshotAt letters parked later are not in scope
 * @param matched how many letters matched when it was requested (the preview count)
 * @param processed how many it has resolved so far
 * @param ratePerSecond the most letters per second it resolves
 * @param status RUNNING, COMPLETED or CANCELLED
 * @param updatedAt its last progress
 * @param finishedAt when it completed or was cancelled
 */
public record BulkJob(UUID id, Action action, LetterFilter filter, String requestedBy, Instant requestedAt,
        Instant snapshotAt, int matched, int processed, int ratePerSecond, Status status, Instant updatedAt,
        Instant finishedAt) {

    /** What a job does to each letter. */
    public enum Action {
        REPLAY,
        DISCARD
    }

    /** A job runs until no letter in its scope is PARKED, or until an operator cancels it. */
    public enum Status {
        RUNNING,
        COMPLETED,
        CANCELLED
    }
}
