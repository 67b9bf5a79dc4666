package io.seatbooking.queue.service;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.seatbooking.platform.Detached;
import io.seatbooking.queue.Room;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.smallrye.mutiny.Uni;

/**
 * Each replica's short-lived copy of the rooms' shared state, so that a status poll or a hold's
 * "does this show have a waiting room" costs no database read. Shows without a room are
 * remembered too.
 *
 * <p>A copy older than {@code waiting-room.state-cache} is still answered, and one read of the
 * room, outside any request (the background pool), replaces it; a failed read leaves the copy as
 * it was, to be read again after the next request. So polls never wait for the database, never
 * fail because it is busy, and a crowd costs one read per room and interval, not one per request
 * that found the copy just expired. Only a room this replica has no copy of is read on the request.
 */
@Singleton
public class RoomCache {

    private record Entry(Optional<Room> room, long loadedAtNanos) {
    }

    private final WaitingRoomRepository rooms;
    private final long ttlNanos;
    private final ConcurrentHashMap<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final Set<UUID> refreshing = ConcurrentHashMap.newKeySet();

    public RoomCache(WaitingRoomRepository rooms, WaitingRoomConfig config) {
        this.rooms = rooms;
        this.ttlNanos = config.stateCache().toNanos();
    }

    public Uni<Optional<Room>> get(UUID showId) {
        Entry entry = entries.get(showId);
        if (entry == null) {
            long started = System.nanoTime();
            return rooms.find(showId).invoke(room -> store(showId, room, started));
        }
        if (System.nanoTime() - entry.loadedAtNanos() >= ttlNanos) {
            refresh(showId);
        }
        return Uni.createFrom().item(entry.room());
    }

    /** Whether this replica's copy, however old, says the show has no waiting room. */
    public boolean knownWithoutRoom(UUID showId) {
        Entry entry = entries.get(showId);
        return entry != null && entry.room().isEmpty();
    }

    /** This replica set the room up or moved its opening: the next request reads it. */
    public void forget(UUID showId) {
        entries.remove(showId);
    }


    Duration ttl() {
        return Duration.ofNanos(ttlNanos);
    }

    /**
     * Reads the room again outside any request and replaces the copy, which is answered until
     * then; the admitter calls it after a tick that changed the room. One read at a time per room.
     */
    public void refresh(UUID showId) {
        if (!refreshing.add(showId)) {
            return;
        }
        long started = System.nanoTime();
        Detached.run(() -> rooms.find(showId).subscribe().with(room -> {
            refreshing.remove(showId);
            store(showId, room, started);
        }, failure -> refreshing.remove(showId)));
    }

    private void store(UUID showId, Optional<Room> room, long readStartedNanos) {
        if (entries.size() > 10_000) {
            entries.clear(); // a bound, not an eviction policy: shows are few, and a miss costs one read
        }
        // A read that started before a newer copy was stored must not replace it.
        entries.compute(showId, (id, old) -> old != null && old.loadedAtNanos() > readStartedNanos ? old
                : new Entry(room, readStartedNanos));
    }
}
