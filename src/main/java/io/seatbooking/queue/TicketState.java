package io.seatbooking.queue;

/** Where a customer is in a show's queue. */
public enum TicketState {
    /** In line, not admitted yet. */
    WAITING,
    /** Admitted: may hold seats of the show with an admission token until idle too long. */
    ADMITTED,
    /** The admission went unused for too long; the slot went to the next in line. */
    EXPIRED,
    /** The customer's booking was confirmed; the slot went to the next in line. */
    DONE
}
