package io.seatbooking.queue.service;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.seatbooking.platform.Detached;
import io.seatbooking.queue.repository.WaitingRoomRepository;

/**
 * Each replica's count of a room's pre-queue in the last minute before its opening, which sets
 * over how long the pre-queue is told to come back after it: a pre-queue that the admission
 * ceiling lets in faster than {@code waiting-room.opening-spread} comes back as fast as it is let
 * in, so that nobody learns of an admission late. A count older than {@link #MAX_AGE} is still
 * answered while one count, outside any request (an index-only count of the unranked tickets),
 * replaces it; until the first count arrives there is none, and the configured spread applies.
 */
@ApplicationScoped
public class PreQueueSize {

    /** How long a count is used before it is read again: a pre-queue's size matters to a few percent. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private record Count(long customers, long readAtNanos) {
    }

    private final WaitingRoomRepository rooms;
    private final ConcurrentHashMap<UUID, Count> counts = new ConcurrentHashMap<>();
    private final Set<UUID> counting = ConcurrentHashMap.newKeySet();

    public PreQueueSize(WaitingRoomRepository rooms) {
        this.rooms = rooms;
    }

    /** The room's pre-queue as last counted on this replica, if it was; counts it again when the count is old. */
    public OptionalLong of(UUID showId) {
        Count count = counts.get(showId);
        if (count == null || System.nanoTime() - count.readAtNanos() >= MAX_AGE.toNanos()) {
            recount(showId);
        }
        return count == null ? OptionalLong.empty() : OptionalLong.of(count.customers());
    }

    private void recount(UUID showId) {
        if (!counting.add(showId)) {
            return;
        }
        long started = System.nanoTime();
        Detached.run(() -> rooms.countUnranked(showId).subscribe().with(customers -> {
            if (counts.size() > 1_000) {
                counts.clear(); // a bound, not an eviction policy: rooms about to open are few
            }
            counts.put(showId, new Count(customers, started));
            counting.remove(showId);
        }, failure -> counting.remove(showId)));
    }
}
