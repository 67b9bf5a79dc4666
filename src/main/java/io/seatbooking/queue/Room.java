package io.seatbooking.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * A show's waiting room as the database holds it.
 *
 * @param openedAt when the pre-queue was ranked; null before
 * @param closedAt when the show sold out; null while customers are still admitted
 * @param lastPosition the highest position given out
 * @param admittedUpTo every position up to this one was admitted
 * @param admissionRate admissions per second, smoothed, for wait estimates
 */
public record Room(UUID showId, Instant opensAt, Instant openedAt, Instant closedAt, long lastPosition,
        long admittedUpTo, Instant budgetSpentUpTo, double admissionRate) {
}
