package io.seatbooking.deadletter;

/**
 * A message that can never succeed, however often it is retried: it is parked at once. The
 * {@code reason} is a stable slug (operators filter the parking table by it); the message says
 * what exactly is wrong, without echoing the payload.
 */
public class PoisonMessageException extends RuntimeException {

    public static final String TOO_LARGE = "too-large";
    public static final String UNPARSEABLE = "unparseable";
    public static final String UNKNOWN_TYPE = "unknown-type";
    public static final String MISSING_FIELDS = "missing-fields";
    public static final String INVALID_FIELDS = "invalid-fields";
    public static final String MISSING_MESSAGE_ID = "missing-message-id";
    public static final String UNKNOWN_BOOKING = "unknown-booking";

    private final String reason;

    public PoisonMessageException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
