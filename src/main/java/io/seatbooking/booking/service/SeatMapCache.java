package io.seatbooking.booking.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.repository.ShowRepository;
import io.seatbooking.platform.Detached;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Seat maps for the on-sale read spike: each map is read once, serialised once (and once again
 * after each burst of changes, at the next read) and served from memory to every concurrent
 * reader, with its strong ETag. A seat change made through this replica is applied to the cached
 * map at once ({@link #changed}): a client sees its own hold immediately, and a burst of holds does
 * not reload the whole map after each one.
 *
 * <p>Reads never wait behind writes. A map older than {@code booking.seat-map.cache-ttl} is still
 * answered while one read of it, outside any request (the background pool), replaces it; this
 * replica's changes made while that read runs are applied to its result too (a change older than
 * a seat's version is skipped, since versions only grow). So other replicas' changes show within
 * the TTL plus one read, and an on-sale's holds, which fill the request pool, cannot make a seat
 * map reader wait or be refused. Only a show this replica holds no map of is read while its first
 * readers wait (concurrent readers share that one read, also on the background pool); a failed
 * refresh leaves the map as it was, to be read again after the next TTL.
 *
 * <p>The ETag names the content: the sum of the seat versions and a CRC-32C of the body. The sum
 * alone named one state while every map was one database read; a map with this replica's changes
 * applied may combine seats read at one time with seats changed later, and two replicas' maps
 * could then share a sum.
 */
@Singleton
public class SeatMapCache {

    /** A serialised seat map and its entity tag. */
    public record SeatMap(UUID showId, String etag, byte[] json) {
    }

    /** The seat map's JSON body (also its schema in the OpenAPI document). */
    @RegisterForReflection
    public record SeatMapBody(UUID showId, String currency, List<Seat> seats) {
    }

    /**
     * A seat's state after a change this replica committed: every change moves a seat's version
     * one on, from the version read or as the changing statement returned it.
     */
    public record SeatChange(String label, SeatStatus status, long version) {

        /** The seats {@code labels} moved to {@code status}, now at {@code versions}. */
        public static List<SeatChange> at(List<String> labels, List<Long> versions, SeatStatus status) {
            List<SeatChange> changes = new ArrayList<>(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                changes.add(new SeatChange(labels.get(i), status, versions.get(i)));
            }
            return changes;
        }

        /** The seats {@code labels}, read at {@code versionsRead}, moved to {@code status}. */
        public static List<SeatChange> of(List<String> labels, List<Long> versionsRead, SeatStatus status) {
            return at(labels, versionsRead.stream().map(read -> read + 1).toList(), status);
        }
    }

    private final ShowRepository shows;
    private final ObjectMapper json;
    private final long ttlNanos;
    private final Cache<UUID, Slot> slots;

    public SeatMapCache(ShowRepository shows, ObjectMapper json, BookingConfig config) {
        this.shows = shows;
        this.json = json;
        this.ttlNanos = config.seatMap().cacheTtl().toNanos();
        // Maps of shows nobody read for a minute are dropped; the bound keeps a catalogue's worth
        // of 1,000-seat maps to some tens of MiB.
        this.slots = ttlNanos == 0 ? null
                : Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(1)).maximumSize(500).build();
    }

    /** The show's seat map, or empty if there is no such show. */
    public Uni<Optional<SeatMap>> get(UUID showId) {
        if (slots == null) {
            return read(showId).map(entry -> Optional.ofNullable(entry).map(Entry::map));
        }
        CompletableFuture<Entry> shared = slots.get(showId, Slot::new).current(System.nanoTime());
        if (shared.isDone() && !shared.isCompletedExceptionally()) {
            return Uni.createFrom().item(Optional.ofNullable(shared.join()).map(Entry::map));
        }
        Context caller = Vertx.currentContext();
        Uni<Optional<SeatMap>> result = Uni.createFrom().completionStage(shared)
                .map(entry -> Optional.ofNullable(entry).map(Entry::map));
        // Readers that waited for the shared read continue on their own event loop.
        return caller == null ? result : result.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    /**
     * Applies seat changes this replica committed to the show's cached map, also to a read still
     * under way (which may or may not have seen them: a change older than the seat's version in
     * the map is skipped, since versions only grow).
     */
    public void changed(UUID showId, List<SeatChange> changes) {
        if (slots == null) {
            return;
        }
        Slot slot = slots.getIfPresent(showId);
        if (slot != null) {
            slot.changed(changes);
        }
    }

    /** Forgets the show's map; the next read goes to the database. */
    public void invalidate(UUID showId) {
        if (slots != null) {
            slots.invalidate(showId);
        }
    }

    /** Reads the show's map from the database (null: no such show). */
    private Uni<Entry> read(UUID showId) {
        return Uni.combine().all().unis(shows.find(showId), shows.seatMap(showId)).asTuple().map(read -> {
            List<Seat> seats = read.getItem2();
            if (read.getItem1().isEmpty() || seats.isEmpty()) {
                return null;
            }
            return new Entry(showId, read.getItem1().get().currency(), seats);
        });
    }

    /** The same, outside the request that asked (the background pool): its readers share it. */
    private CompletableFuture<Entry> readShared(UUID showId) {
        CompletableFuture<Entry> result = new CompletableFuture<>();
        Detached.run(() -> read(showId).subscribe().with(result::complete, result::completeExceptionally));
        return result;
    }

    /** A show's cached map, and the read that will replace it when it is old. */
    private final class Slot {
        private final UUID showId;
        private CompletableFuture<Entry> current;
        private long readAtNanos;
        private boolean refreshing;
        private final List<SeatChange> sinceRefresh = new ArrayList<>();

        Slot(UUID showId) {
            this.showId = showId;
        }

        /** The map to answer now; starts a read if it is missing, failed or old. */
        synchronized CompletableFuture<Entry> current(long now) {
            boolean old = now - readAtNanos >= ttlNanos;
            if (current == null || current.isCompletedExceptionally()
                    || old && current.isDone() && current.join() == null) {
                // Nothing to answer yet (or "no such show", which a reader must not be told late).
                current = readShared(showId);
                readAtNanos = now;
            } else if (old && !refreshing && current.isDone()) {
                refreshing = true;
                readShared(showId).whenComplete((entry, failure) -> replaced(entry, failure, now));
            }
            return current;
        }

        private synchronized void replaced(Entry entry, Throwable failure, long readStartedNanos) {
            refreshing = false;
            if (failure == null) {
                if (entry != null) {
                    entry.apply(sinceRefresh);
                }
                current = CompletableFuture.completedFuture(entry);
            }
            // A failed read keeps the map it would have replaced, until the next TTL.
            readAtNanos = failure == null ? readStartedNanos : System.nanoTime();
            sinceRefresh.clear();
        }

        synchronized void changed(List<SeatChange> changes) {
            if (refreshing) {
                sinceRefresh.addAll(changes);
            }
            if (current != null) {
                current.thenAccept(entry -> {
                    if (entry != null) {
                        entry.apply(changes);
                    }
                });
            }
        }
    }

    /** A show's map as read, with this replica's later changes applied, and its serialised form. */
    private final class Entry {
        private final UUID showId;
        private final String currency;
        private final Seat[] seats;
        private final Map<String, Integer> positions;
        private volatile SeatMap map;

        Entry(UUID showId, String currency, List<Seat> loaded) {
            this.showId = showId;
            this.currency = currency;
            this.seats = loaded.toArray(Seat[]::new);
            this.positions = new HashMap<>(seats.length * 2);
            for (int i = 0; i < seats.length; i++) {
                positions.put(seats[i].label(), i);
            }
            this.map = serialise();
        }

        /** The serialised map; after changes it is serialised again once, at the next read. */
        SeatMap map() {
            SeatMap current = map;
            if (current != null) {
                return current;
            }
            synchronized (this) {
                if (map == null) {
                    map = serialise();
                }
                return map;
            }
        }

        synchronized void apply(List<SeatChange> changes) {
            boolean moved = false;
            for (SeatChange change : changes) {
                Integer at = positions.get(change.label());
                if (at != null && seats[at].version() < change.version()) {
                    Seat seat = seats[at];
                    seats[at] = new Seat(seat.label(), change.status(), change.version(), seat.category(),
                            seat.priceCents());
                    moved = true;
                }
            }
            if (moved) {
                map = null;
            }
        }

        private synchronized SeatMap serialise() {
            long versionSum = 0;
            for (Seat seat : seats) {
                versionSum += seat.version();
            }
            try {
                byte[] body = json.writeValueAsBytes(new SeatMapBody(showId, currency, List.of(seats)));
                CRC32C checksum = new CRC32C();
                checksum.update(body);
                return new SeatMap(showId, "\"" + versionSum + "-" + Long.toHexString(checksum.getValue()) + "\"", body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Seat map cannot be serialised", e);
            }
        }
    }
}
