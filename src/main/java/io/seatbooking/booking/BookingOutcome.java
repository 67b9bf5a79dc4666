package io.seatbooking.booking;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A business answer that ends a show or booking operation without a change: the thing asked for
 * does not exist, is not in a state that allows it, or moved on while the request ran. Thrown
 * inside a transaction it rolls the transaction back. The message is the explanation for the
 * client; the subtypes carry what a client needs to act on (the seats, the state, the version).
 * It carries no stack trace: it is an answer, not a fault.
 *
 * <p>The family is sealed so that whoever turns it into a response (the REST edge) or into a
 * decision (the payments consumer) handles every case.
 */
public abstract sealed class BookingOutcome extends RuntimeException {

    private BookingOutcome(String detail) {
        super(detail, null, false, false);
    }

    /** The show does not exist. */
    public static final class ShowNotFound extends BookingOutcome {
        public ShowNotFound(UUID showId) {
            super("There is no show " + showId + ".");
        }
    }

    /** The show takes no holds now: cancelled, started, or outside its sales window. */
    public static final class ShowNotOnSale extends BookingOutcome {
        private final Show show;
        private final ShowStatus status;

        public ShowNotOnSale(Show show, ShowStatus status) {
            super(explain(show, status));
            this.show = show;
            this.status = status;
        }

        private static String explain(Show show, ShowStatus status) {
            return switch (status) {
                case CANCELLED -> "Show " + show.id() + " was cancelled.";
                case SCHEDULED -> "Sales for show " + show.id() + " open at " + show.salesStart() + ".";
                case OVER -> show.salesEnd() != null && show.salesEnd().isBefore(show.startsAt())
                        ? "Sales for show " + show.id() + " closed at " + show.salesEnd() + "."
                        : "Show " + show.id() + " started at " + show.startsAt() + ".";
                case ON_SALE -> "Show " + show.id() + " is on sale.";
            };
        }

        public Show show() {
            return show;
        }

        public ShowStatus status() {
            return status;
        }
    }

    /** The show was cancelled: it changes no more. */
    public static final class ShowCancelled extends BookingOutcome {
        public ShowCancelled(UUID showId) {
            super("Show " + showId + " was cancelled and cannot be changed.");
        }
    }

    /** The caller's precondition names another version than the show's. */
    public static final class ShowVersionMismatch extends BookingOutcome {
        private final long currentVersion;

        public ShowVersionMismatch(long currentVersion) {
            super("The show is at version " + currentVersion + "; If-Match does not name it.");
            this.currentVersion = currentVersion;
        }

        public long currentVersion() {
            return currentVersion;
        }
    }

    /** The booking does not exist, or the caller may not see it (which it must not learn). */
    public static final class BookingNotFound extends BookingOutcome {
        public BookingNotFound(UUID bookingId) {
            super("There is no booking " + bookingId + ".");
        }
    }

    /** Some asked seats were not available; nothing was held. */
    public static final class SeatsUnavailable extends BookingOutcome {
        private final List<String> seats;

        /** @param seats the seats that were not available, in the order they were asked for */
        public SeatsUnavailable(List<String> seats) {
            super("Not available: " + String.join(", ", seats) + ". Nothing was held.");
            this.seats = List.copyOf(seats);
        }

        public List<String> seats() {
            return seats;
        }
    }

    /**
     * The request breaks a rule of the domain (an empty or too long seat list, repeated or unknown
     * seats, an impossible page). The lists name the offending seats when that is the reason.
     */
    public static final class InvalidRequest extends BookingOutcome {
        private final List<String> duplicateSeats;
        private final List<String> unknownSeats;
        private final String field;
        private final String fieldMessage;

        public InvalidRequest(String detail) {
            this(detail, List.of(), List.of(), null, null);
        }

        private InvalidRequest(String detail, List<String> duplicateSeats, List<String> unknownSeats, String field,
                String fieldMessage) {
            super(detail);
            this.duplicateSeats = List.copyOf(duplicateSeats);
            this.unknownSeats = List.copyOf(unknownSeats);
            this.field = field;
            this.fieldMessage = fieldMessage;
        }

        /** One field of the request has a value the rules do not allow (such as a start in the past). */
        public static InvalidRequest field(String field, String message) {
            return new InvalidRequest(field + ": " + message, List.of(), List.of(), field, message);
        }

        /** The request field at fault, or null when the request as a whole is. */
        public String field() {
            return field;
        }

        /** What is wrong with {@link #field()}, or null. */
        public String fieldMessage() {
            return fieldMessage;
        }

        /** Seats named more than once. */
        public static InvalidRequest duplicateSeats(String detail, List<String> seats) {
            return new InvalidRequest(detail, seats, List.of(), null, null);
        }

        /** Seats the show does not have. */
        public static InvalidRequest unknownSeats(String detail, List<String> seats) {
            return new InvalidRequest(detail, List.of(), seats, null, null);
        }

        /** The repeated seats, or empty when that is not the reason. */
        public List<String> duplicateSeats() {
            return duplicateSeats;
        }

        /** The seats the show does not have, or empty when that is not the reason. */
        public List<String> unknownSeats() {
            return unknownSeats;
        }
    }

    /**
     * A listing asked for an impossible page: a negative page, a size out of range, or a page so
     * far that its first item lies beyond the largest offset.
     */
    public static final class InvalidListing extends BookingOutcome {
        public InvalidListing(String detail) {
            super(detail);
        }
    }

    /** The booking's state does not allow the change (for example confirming a cancelled booking). */
    public static final class StateConflict extends BookingOutcome {
        private final BookingStatus status;

        /** @param wanted the change asked for, as a past participle ("confirmed") */
        public StateConflict(UUID bookingId, BookingStatus status, String wanted) {
            super("Booking " + bookingId + " is " + status + " and cannot be " + wanted + ".");
            this.status = status;
        }

        /** The booking's state when the change was refused. */
        public BookingStatus status() {
            return status;
        }
    }

    /** The hold ran out (swept or not yet): the booking is, or is about to be, EXPIRED. */
    public static final class HoldExpired extends BookingOutcome {
        public HoldExpired(UUID bookingId, Instant expiresAt) {
            super("The hold of booking " + bookingId + " expired at " + expiresAt + ".");
        }

        /** The state the booking is in for the client: EXPIRED, even before the sweeper ran. */
        public BookingStatus status() {
            return BookingStatus.EXPIRED;
        }
    }

    /** The caller's precondition names another version than the booking's. */
    public static final class VersionMismatch extends BookingOutcome {
        private final long currentVersion;

        public VersionMismatch(long currentVersion) {
            super("The booking is at version " + currentVersion + "; If-Match does not name it.");
            this.currentVersion = currentVersion;
        }

        public long currentVersion() {
            return currentVersion;
        }
    }

    /**
     * The booking changed while the operation ran, more often than it decides again. Nothing was
     * written; the same request may succeed when repeated.
     */
    public static final class ConcurrentChange extends BookingOutcome {
        public ConcurrentChange(String detail) {
            super(detail);
        }
    }
}
