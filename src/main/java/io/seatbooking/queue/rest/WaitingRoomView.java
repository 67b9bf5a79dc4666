package io.seatbooking.queue.rest;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.seatbooking.queue.Room;

/**
 * A show's waiting room, for its administrators.
 *
 * @param inLine customers given a position and not admitted yet (those still in the unranked pre-queue not counted)
 */
public record WaitingRoomView(UUID showId, Instant opensAt, @Schema(nullable = true) Instant openedAt,
        @Schema(nullable = true) Instant closedAt, long admittedUpTo,
        long inLine) {

    static WaitingRoomView of(Room room) {
        return new WaitingRoomView(room.showId(), room.opensAt(), room.openedAt(), room.closedAt(),
                room.admittedUpTo(), Math.max(0, room.lastPosition() - room.admittedUpTo()));
    }
}
