package io.seatbooking.queue;

import java.util.UUID;

/** What a waiting room operation answers when it cannot do what was asked; mapped to HTTP in {@code rest/}. */
public abstract sealed class QueueOutcome extends RuntimeException {

    private final UUID showId;

    protected QueueOutcome(UUID showId, String message) {
        super(message, null, false, false);
        this.showId = showId;
    }

    public UUID showId() {
        return showId;
    }

    /** The show has no waiting room. */
    public static final class NoWaitingRoom extends QueueOutcome {
        public NoWaitingRoom(UUID showId) {
            super(showId, "Show " + showId + " has no waiting room");
        }
    }

    /** The caller has no ticket in the show's queue. */
    public static final class NotInQueue extends QueueOutcome {
        public NotInQueue(UUID showId) {
            super(showId, "You have not joined the queue of show " + showId);
        }
    }

    /** The show's waiting room already opened: its opening can no longer move. */
    public static final class AlreadyOpened extends QueueOutcome {
        public AlreadyOpened(UUID showId) {
            super(showId, "The waiting room of show " + showId + " has opened; its opening cannot change");
        }
    }

    /** The show sold out: its queue takes nobody more. */
    public static final class Closed extends QueueOutcome {
        public Closed(UUID showId) {
            super(showId, "The queue of show " + showId + " is closed: the show sold out");
        }
    }

    /** There is no show with this id. */
    public static final class UnknownShow extends QueueOutcome {
        public UnknownShow(UUID showId) {
            super(showId, "Show " + showId + " does not exist");
        }
    }

    /** Holding seats of the show needs a valid, current admission of the caller, which the request lacks. */
    public static final class AdmissionRequired extends QueueOutcome {
        public AdmissionRequired(UUID showId, String why) {
            super(showId, "Show " + showId + " has a waiting room: " + why
                    + ". Join with POST /api/shows/" + showId + "/queue and poll GET /api/shows/" + showId
                    + "/queue until admitted, then send the admission token in the Admission-Token header");
        }
    }
}
