package io.seatbooking.queue.service;

import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.seatbooking.platform.Detached;
import io.seatbooking.queue.PositionTable;
import io.seatbooking.queue.Room;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.smallrye.mutiny.Uni;

/**
 * Each replica's memory of the positions given out at a room's opening. At the opening the whole
 * pre-queue comes back within seconds to learn its positions; read ticket by ticket, that burst
 * took the request pool's connections from everything else. Instead the first request on the room
 * after the opening starts one paged read of all positions given out so far (background
 * pool, outside the request), and from then on the pre-queue's first polls are answered from a
 * {@link PositionTable}; until it is ready, and for anyone it does not know (ranked later), the
 * ticket is read as before. Positions never change once given, so the table is never stale; it is
 * dropped when the room closes.
 */
@Singleton
public class KnownPositions {

    private static final Logger LOG = Logger.getLogger(KnownPositions.class);
    private static final int PAGE = 10_000;
    private static final int MAX_ROOMS = 16;
    /** Marks a room whose table is being read, or that is too large to keep. */
    private static final PositionTable NONE = new PositionTable.Builder(0).build();

    private final WaitingRoomRepository rooms;
    private final int maxEntries;
    private final SecureRandom seeds = new SecureRandom();
    private final ConcurrentHashMap<UUID, PositionTable> tables = new ConcurrentHashMap<>();

    public KnownPositions(WaitingRoomRepository rooms, WaitingRoomConfig config) {
        this.rooms = rooms;
        this.maxEntries = config.positionsInMemory();
    }

    /** The customer's position in the opened {@code room}, when this replica knows it without a read. */
    public OptionalLong of(Room room, String customerId) {
        prepare(room);
        PositionTable table = kept(room) ? tables.get(room.showId()) : null;
        return table == null ? OptionalLong.empty() : table.position(customerId);
    }

    /**
     * Starts reading the positions of {@code room} if it has opened and this replica has not read
     * them yet: every request on the room calls it, so that the read is done before the pre-queue
     * comes back for its positions (0.75 s after the opening at the earliest).
     */
    public void prepare(Room room) {
        if (kept(room) && !tables.containsKey(room.showId())) {
            load(room);
        }
    }

    private boolean kept(Room room) {
        return room.openedAt() != null && room.closedAt() == null && maxEntries > 0;
    }

    /** The room closed: its positions are of no more use. */
    public void forget(UUID showId) {
        tables.remove(showId);
    }

    private void load(Room room) {
        if (tables.size() >= MAX_ROOMS) {
            tables.clear(); // a bound, not an eviction policy: rooms open at once are few
        }
        if (tables.putIfAbsent(room.showId(), NONE) != null) {
            return;
        }
        long held = tables.values().stream().mapToLong(PositionTable::size).sum();
        if (held + room.lastPosition() > maxEntries) {
            LOG.infof("Waiting room of show %s ranked %d; with the %d positions held for other rooms, more than "
                    + "waiting-room.positions-in-memory (%d): its first polls read their tickets", room.showId(),
                    room.lastPosition(), held, maxEntries);
            return; // NONE stays: this room is read ticket by ticket
        }
        long started = System.nanoTime();
        long budget = maxEntries - held;
        PositionTable.Builder builder = new PositionTable.Builder(seeds.nextLong());
        Detached.run(() -> page(room.showId(), 0, budget, builder).subscribe().with(
                table -> {
                    tables.replace(room.showId(), NONE, table);
                    LOG.debugf("Waiting room of show %s: %d positions in memory after %d ms", room.showId(),
                            table.size(), (System.nanoTime() - started) / 1_000_000);
                },
                failure -> {
                    LOG.warnf("Could not read the positions of show %s (the tickets are read instead): %s",
                            room.showId(), failure.getMessage());
                    tables.remove(room.showId(), NONE); // the next poll tries again
                }));
    }

    /** Reads the positions after {@code after} into {@code table}, about {@code budget} at most. */
    private Uni<PositionTable> page(UUID showId, long after, long budget, PositionTable.Builder table) {
        return rooms.positions(showId, after, PAGE).chain(ranked -> {
            ranked.forEach(r -> table.add(r.customerId(), r.position()));
            if (ranked.size() < PAGE || table.count() >= budget) {
                return Uni.createFrom().item(table.build());
            }
            return page(showId, ranked.get(ranked.size() - 1).position(), budget, table);
        });
    }
}
