package io.seatbooking.booking;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The state of one seat of a show. */
@RegisterForReflection
public enum SeatStatus {
    AVAILABLE,
    HELD,
    BOOKED
}
