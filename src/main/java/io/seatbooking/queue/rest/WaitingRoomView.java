package io.seatbooking.queue.rest;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.seatbooking.queue.Room;

/**
 * A show's waiting room, for its administrators.
 *
 * @param openedAt absent until the room opened
 * @param closedAt absent until the show sold out
 * @param inLine customers given a position and not admitted yet (those still in the unranked pre-queue not counted)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WaitingRoomView(UUID showId, Instant opensAt, Instant openedAt, Instant closedAt, long admittedUpTo,
        long inLine) {

    static WaitingRoomView of(Room room) {
        return new WaitingRoomView(room.showId(), room.opensAt(), room.openedAt(), room.closedAt(),
                room.admittedUpTo(), Math.max(0, room.lastPosition() - room.admittedUpTo()));
    }
}
