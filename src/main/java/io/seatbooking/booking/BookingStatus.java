package io.seatbooking.booking;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The life of a booking: HELD, then CONFIRMED, CANCELLED or EXPIRED. */
@RegisterForReflection
public enum BookingStatus {
    HELD,
    CONFIRMED,
    CANCELLED,
    EXPIRED;

    /** Whether the booking still claims its seats. */
    public boolean isLive() {
        return this == HELD || this == CONFIRMED;
    }
}
