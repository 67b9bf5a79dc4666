package io.seatbooking.booking.service;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.repository.ShowRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Seat maps for the on-sale read spike: each map is read once, serialised once and served from
 * memory for a short time (booking.seat-map.cache-ttl) to every concurrent reader, with its
 * strong ETag. Concurrent misses for one show share a single database read. A seat change made
 * through this replica drops the show's entry at once.
 *
 * <p>The ETag is the sum of the seat versions: every seat change adds one to one version and
 * nothing subtracts, so each sum names exactly one state of the map.
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

    private final ShowRepository shows;
    private final ObjectMapper json;
    private final AsyncCache<UUID, SeatMap> cache;

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
            return load(showId).map(Optional::ofNullable);
        }
        Context caller = Vertx.currentContext();
        CompletableFuture<SeatMap> shared = cache.get(showId,
                (id, executor) -> load(id).subscribeAsCompletionStage());
        Uni<Optional<SeatMap>> result = Uni.createFrom().completionStage(shared).map(Optional::ofNullable);
        // Readers that joined another request's load continue on their own event loop.
        return caller == null ? result : result.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    /** Forgets the show's map; the next read goes to the database. */
    public void invalidate(UUID showId) {
        if (cache != null) {
            cache.synchronous().invalidate(showId);
        }
    }

    private Uni<SeatMap> load(UUID showId) {
        return Uni.combine().all().unis(shows.find(showId), shows.seatMap(showId)).asTuple().map(read -> {
            List<Seat> seats = read.getItem2();
            if (read.getItem1().isEmpty() || seats.isEmpty()) {
                return null;
            }
            String currency = read.getItem1().get().currency();
            long versionSum = 0;
            for (Seat seat : seats) {
                versionSum += seat.version();
            }
            try {
                return new SeatMap(showId, "\"" + versionSum + "\"", json.writeValueAsBytes(new SeatMapBody(showId, currency, seats)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Seat map cannot be serialised", e);
            }
        });
    }
}
