package io.seatbooking.booking;

import java.time.Instant;
import java.util.UUID;

/**
 * A show with a fixed seat map. Shows never change after creation; their seats do.
 *
 * @param id the show id
 * @param title the title
 * @param startsAt when the show starts
 * @param capacity the number of seats
 * @param createdAt when the show was created
 */
public record Show(UUID id, String title, Instant startsAt, int capacity, Instant createdAt) {
}
