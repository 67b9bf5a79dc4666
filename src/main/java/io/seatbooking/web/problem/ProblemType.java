package io.seatbooking.web.problem;

import java.net.URI;

/**
 * The catalogue of problem types this service answers with (RFC 9457). The {@code type} URI is
 * stable and documented in docs/api.md ("Errors"); clients switch on it, not on {@code title}.
 */
public enum ProblemType {

    MALFORMED_REQUEST("malformed-request", "Malformed request", 400),
    UNAUTHORIZED("unauthorized", "Authentication required", 401),
    FORBIDDEN("forbidden", "Not allowed", 403),
    NOT_FOUND("not-found", "Not found", 404),
    SHOW_NOT_FOUND("show-not-found", "Show not found", 404),
    BOOKING_NOT_FOUND("booking-not-found", "Booking not found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    SEAT_UNAVAILABLE("seat-unavailable", "Seats unavailable", 409),
    BOOKING_STATE_CONFLICT("booking-state-conflict", "Booking is not in a state that allows this", 409),
    BOOKING_EXPIRED("booking-expired", "Booking hold has expired", 409),
    SHOW_NOT_ON_SALE("show-not-on-sale", "The show takes no holds now", 409),
    SHOW_CANCELLED("show-cancelled", "The show was cancelled", 409),
    CONCURRENT_UPDATE("concurrent-update", "The resource changed while the request ran; retry", 409),
    IDEMPOTENT_REQUEST_IN_PROGRESS("idempotent-request-in-progress", "A request with this Idempotency-Key is still running", 409),
    PRECONDITION_FAILED("precondition-failed", "Precondition failed", 412),
    PRECONDITION_REQUIRED("precondition-required", "Precondition required", 428),
    PAYLOAD_TOO_LARGE("payload-too-large", "Request body too large", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    INVALID_REQUEST("invalid-request", "Request is not valid", 422),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused with a different request", 422),
    DEAD_LETTER_NOT_FOUND("dead-letter-not-found", "Dead letter not found", 404),
    DEAD_LETTER_ALREADY_RESOLVED("dead-letter-already-resolved", "Dead letter already replayed or discarded", 409),
    WAITING_ROOM_NOT_FOUND("waiting-room-not-found", "Show has no waiting room", 404),
    QUEUE_TICKET_NOT_FOUND("queue-ticket-not-found", "Not in the queue", 404),
    WAITING_ROOM_OPENED("waiting-room-opened", "Waiting room already opened", 409),
    QUEUE_CLOSED("queue-closed", "Queue closed: the show sold out", 409),
    ADMISSION_REQUIRED("admission-required", "Admission from the waiting room required", 403),
    DEAD_LETTER_JOB_NOT_FOUND("dead-letter-job-not-found", "Dead letter bulk job not found", 404),
    DEAD_LETTER_JOB_FINISHED("dead-letter-job-finished", "Dead letter bulk job already finished", 409),
    INTERNAL_ERROR("internal-error", "Internal error", 500),
    SERVICE_UNAVAILABLE("service-unavailable", "Service temporarily unavailable", 503),
    OVERLOADED("overloaded", "Service at capacity; retry later", 503);

    /** Base of every problem type URI. */
    public static final String BASE_URI = "https://seat-booking.dev/problems/";

    private final URI uri;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.uri = URI.create(BASE_URI + slug);
        this.title = title;
        this.status = status;
    }

    public URI uri() {
        return uri;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
