package io.seatbooking.booking.service;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Test-only stand-in for the cancellation batch hook: for a show it is armed for, every batch
 * after the first {@code allowed} fails just before commit (a crash half way through a
 * cancellation). Shows it is not armed for pass untouched.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class FailingCancellationBatches extends CancellationBatchHook {

    private final Map<UUID, AtomicInteger> allowed = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> failures = new ConcurrentHashMap<>();

    public void failAfter(UUID showId, int batches) {
        allowed.put(showId, new AtomicInteger(batches));
    }

    public void disarm(UUID showId) {
        allowed.remove(showId);
    }

    public int failures(UUID showId) {
        return failures.getOrDefault(showId, new AtomicInteger()).get();
    }

    @Override
    public synchronized Uni<Void> beforeCommit(SqlConnection tx, UUID showId, int cancelled) {
        AtomicInteger left = allowed.get(showId);
        if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            failures.computeIfAbsent(showId, id -> new AtomicInteger()).incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("injected crash before commit"));
        }
        return Uni.createFrom().voidItem();
    }
}
