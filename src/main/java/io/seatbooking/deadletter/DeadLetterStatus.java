package io.seatbooking.deadletter;

/** The life of a parked message: PARKED until an operator REPLAYED or DISCARDED it. */
public enum DeadLetterStatus {
    PARKED,
    REPLAYED,
    DISCARDED
}
