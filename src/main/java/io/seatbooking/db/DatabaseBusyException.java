package io.seatbooking.db;

/**
 * No database connection for this request in time: every connection was busy and the wait queue
 * full or the wait too long, or the request's own deadline had passed. The web edge answers it
 * {@code 503 overloaded} with a {@code Retry-After}; nothing was done.
 */
public final class DatabaseBusyException extends RuntimeException {

    public DatabaseBusyException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    public DatabaseBusyException(String message) {
        this(message, null);
    }
}
