package io.seatbooking.deadletter.service;

import java.time.Instant;
import java.util.UUID;

import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterStatus;

/**
 * A business answer of a dead letter operation that changes nothing: the letter does not exist,
 * an operator resolved it already, or the listing asked for is impossible. The message is the
 * explanation for the operator. It carries no stack trace: it is an answer, not a fault. Sealed,
 * so that the REST edge answers every case.
 */
public abstract sealed class DeadLetterOutcome extends RuntimeException {

    private DeadLetterOutcome(String detail) {
        super(detail, null, false, false);
    }

    /** There is no letter with this id. */
    public static final class NotFound extends DeadLetterOutcome {
        public NotFound(UUID id) {
            super("There is no dead letter " + id + ".");
        }
    }

    /** The letter was replayed or discarded before: by whom and when. */
    public static final class AlreadyResolved extends DeadLetterOutcome {
        private final DeadLetterStatus status;
        private final Instant resolvedAt;
        private final String resolvedBy;

        public AlreadyResolved(DeadLetter letter) {
            super("Dead letter " + letter.id() + " was " + letter.status().name().toLowerCase() + " by "
                    + letter.resolvedBy() + " at " + letter.resolvedAt() + ".");
            this.status = letter.status();
            this.resolvedAt = letter.resolvedAt();
            this.resolvedBy = letter.resolvedBy();
        }

        /** REPLAYED or DISCARDED. */
        public DeadLetterStatus status() {
            return status;
        }

        public Instant resolvedAt() {
            return resolvedAt;
        }

        public String resolvedBy() {
            return resolvedBy;
        }
    }

    /** The listing's paging or time range cannot be answered. */
    public static final class InvalidListing extends DeadLetterOutcome {
        public InvalidListing(String detail) {
            super(detail);
        }
    }

    /** There is no bulk job with this id. */
    public static final class JobNotFound extends DeadLetterOutcome {
        public JobNotFound(UUID id) {
            super("There is no dead letter bulk job " + id + ".");
        }
    }

    /** The bulk job completed or was cancelled before. */
    public static final class JobFinished extends DeadLetterOutcome {
        public JobFinished(UUID id, String status) {
            super("Dead letter bulk job " + id + " is " + status.toLowerCase() + ".");
        }
    }

    /** A bulk request that cannot be run as asked (no filter, an impossible time range). */
    public static final class InvalidBulkRequest extends DeadLetterOutcome {
        public InvalidBulkRequest(String detail) {
            super(detail);
        }
    }
}
