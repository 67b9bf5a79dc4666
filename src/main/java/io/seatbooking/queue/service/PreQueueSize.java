package io.seatbooking.queue.service;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.seatbooking.platform.Detached;
import io.seatbooking.queue.repository.WaitingRoomRepository;

/**
 * Each replica's count of a room's pre-queue in the last minute before its opening, which sets
 * over how long the pre-queue is told to come back after it: a pre-queue that the admission
 * ceiling lets in faster than {@code waiting-room.opening-spread} comes back as fast as it is let
 * in, so that nobody learns of an admission late. A count older than {@link #MAX_AGE} is still
 * answered while one count, outside any request (a count of the unranked tickets, on the partial
 * index), replaces it; until the first count arrives there is none, and the configured spread
 * applies: no request waits for a count.
 */
@Singleton
public class PreQueueSize {

    /** How long a count is used before it is read again: a pre-queue's size matters to a few percent. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final AsyncLoadingCache<UUID, Long> counts;

    public PreQueueSize(WaitingRoomRepository rooms) {
        this.counts = Caffeine.newBuilder().maximumSize(1_000).refreshAfterWrite(MAX_AGE)
                .buildAsync((showId, executor) -> {
                    CompletableFuture<Long> count = new CompletableFuture<>();
                    Detached.run(() -> rooms.countUnranked(showId).subscribe().with(count::complete,
                            count::completeExceptionally));
                    return count;
                });
    }

    /** The room's pre-queue as last counted on this replica, if it was; counts it again when the count is old. */
    public OptionalLong of(UUID showId) {
        CompletableFuture<Long> count = counts.get(showId);
        return count.isDone() && !count.isCompletedExceptionally() ? OptionalLong.of(count.join())
                : OptionalLong.empty();
    }
}
