package io.seatbooking.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * A customer's place in a show's queue.
 *
 * @param position the place in line; 0 while the pre-queue is not ranked yet
 * @param draw the random draw that ranks the pre-queue at the opening
 * @param lastActiveAt when the admission was granted or last used to hold seats
 */
public record Ticket(UUID showId, String customerId, long position, long draw, TicketState state, Instant joinedAt,
        Instant admittedAt, Instant lastActiveAt) {
}
