package io.seatbooking.queue.service;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A customer's view of a show's queue.
 *
 * @param state {@code waiting}, {@code admitted}, {@code expired}, {@code done} or {@code closed} (sold out)
 * @param position the place in line; null until the pre-queue is ranked at the opening
 * @param peopleAhead customers in line ahead, rounded (exact under 100); null before the opening
 * @param estimatedWait the expected wait at the measured admission rate, rounded; null when unknown
 * @param ticket the signed ticket to send back with each poll ({@code Queue-Ticket})
 * @param admissionToken when admitted: the token holds need ({@code Admission-Token})
 * @param admissionExpiresAt when admitted: when the admission expires unless used
 * @param nextPoll when to poll next (jittered); null when there is nothing to wait for
 */
public record QueueStatus(UUID showId, String state, Long position, Long peopleAhead, Duration estimatedWait,
        Instant opensAt, String ticket, String admissionToken, Instant admissionExpiresAt, Duration nextPoll) {
}
