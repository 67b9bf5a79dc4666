package io.seatbooking.queue.service;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.seatbooking.queue.Room;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.smallrye.mutiny.Uni;

/**
 * Each replica's short-lived copy of the rooms' shared state, so that a status poll or a hold's
 * "does this show have a waiting room" costs no database read: a room is read again once its copy
 * is older than {@code waiting-room.state-cache}. Shows without a room are remembered too.
 */
@ApplicationScoped
public class RoomCache {

    private record Entry(Optional<Room> room, long loadedAtNanos) {
    }

    private final WaitingRoomRepository rooms;
    private final long ttlNanos;
    private final ConcurrentHashMap<UUID, Entry> entries = new ConcurrentHashMap<>();

    public RoomCache(WaitingRoomRepository rooms, WaitingRoomConfig config) {
        this.rooms = rooms;
        this.ttlNanos = config.stateCache().toNanos();
    }

    public Uni<Optional<Room>> get(UUID showId) {
        Entry entry = entries.get(showId);
        if (entry != null && System.nanoTime() - entry.loadedAtNanos() < ttlNanos) {
            return Uni.createFrom().item(entry.room());
        }
        if (entries.size() > 10_000) {
            entries.clear(); // a bound, not an eviction policy: shows are few, and a miss costs one read
        }
        return rooms.find(showId).invoke(room -> entries.put(showId, new Entry(room, System.nanoTime())));
    }

    /** Whether this replica's copy, however old, says the show has no waiting room. */
    public boolean knownWithoutRoom(UUID showId) {
        Entry entry = entries.get(showId);
        return entry != null && entry.room().isEmpty();
    }

    /** This replica changed the room: the next read goes to the database. */
    public void forget(UUID showId) {
        entries.remove(showId);
    }

    Duration ttl() {
        return Duration.ofNanos(ttlNanos);
    }
}
