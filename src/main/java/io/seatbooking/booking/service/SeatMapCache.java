package io.seatbooking.booking.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.repository.ShowRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Seat maps for the on-sale read spike: each map is read once, serialised once (and once again
 * after each burst of changes, at the next read) and served from memory for a short time (booking.seat-map.cache-ttl) to every concurrent reader, with its
 * strong ETag. Concurrent misses for one show share a single database read. A seat change made
 * through this replica is applied to the cached map at once ({@link #changed}): a client sees its
 * own hold immediately, and a burst of holds does not reload the whole map after each one; the
 * map is still read again from the database when its time is up, so that other replicas' changes
 * show within the TTL.
 *
 * <p>The ETag names the content: the sum of the seat versions and a CRC-32C of the body. The sum
 * alone named one state while every map was one database read; a map with this replica's changes
 * applied may combine seats read at one time with seats changed later, and two replicas' maps
 * could then share a sum.
 */
@ApplicationScoped
public class SeatMapCache {

    /** A serialised seat map and its entity tag. */
    public record SeatMap(UUID showId, String etag, byte[] json) {
    }

    /** The seat map's JSON body (also its schema in the OpenAPI document). */
    @RegisterForReflection
    public record SeatMapBody(UUID showId, String currency, List<Seat> seats) {
    }

    /**
     * A seat's state after a change this replica committed: every change is a conditional update
     * from the version read to that version plus one.
     */
    public record SeatChange(String label, SeatStatus status, long version) {

        /** The seats {@code labels}, read at {@code versionsRead}, moved to {@code status}. */
        public static List<SeatChange> of(List<String> labels, List<Long> versionsRead, SeatStatus status) {
            List<SeatChange> changes = new ArrayList<>(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                changes.add(new SeatChange(labels.get(i), status, versionsRead.get(i) + 1));
            }
            return changes;
        }
    }

    private final ShowRepository shows;
    private final ObjectMapper json;
    private final AsyncCache<UUID, Entry> cache;

    public SeatMapCache(ShowRepository shows, ObjectMapper json, BookingConfig config) {
        this.shows = shows;
        this.json = json;
        this.cache = config.seatMap().cacheTtl().isZero() ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(config.seatMap().cacheTtl())
                        .maximumSize(10_000)
                        .buildAsync();
    }

    /** The show's seat map, or empty if there is no such show. */
    public Uni<Optional<SeatMap>> get(UUID showId) {
        if (cache == null) {
            return load(showId).map(entry -> Optional.ofNullable(entry).map(Entry::map));
        }
        Context caller = Vertx.currentContext();
        CompletableFuture<Entry> shared = cache.get(showId,
                (id, executor) -> load(id).subscribeAsCompletionStage());
        Uni<Optional<SeatMap>> result = Uni.createFrom().completionStage(shared)
                .map(entry -> Optional.ofNullable(entry).map(Entry::map));
        // Readers that joined another request's load continue on their own event loop.
        return caller == null ? result : result.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    /**
     * Applies seat changes this replica committed to the show's cached map, also to a read still
     * under way (which may or may not have seen them: a change older than the seat's version in
     * the map is skipped, since versions only grow).
     */
    public void changed(UUID showId, List<SeatChange> changes) {
        if (cache == null) {
            return;
        }
        CompletableFuture<Entry> present = cache.getIfPresent(showId);
        if (present != null) {
            present.thenAccept(entry -> {
                if (entry != null) {
                    entry.apply(changes);
                }
            }).exceptionally(failure -> {
                invalidate(showId);
                return null;
            });
        }
    }

    /** Forgets the show's map; the next read goes to the database. */
    public void invalidate(UUID showId) {
        if (cache != null) {
            cache.synchronous().invalidate(showId);
        }
    }

    private Uni<Entry> load(UUID showId) {
        return Uni.combine().all().unis(shows.find(showId), shows.seatMap(showId)).asTuple().map(read -> {
            List<Seat> seats = read.getItem2();
            if (read.getItem1().isEmpty() || seats.isEmpty()) {
                return null;
            }
            return new Entry(showId, read.getItem1().get().currency(), seats);
        });
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
