package io.seatbooking.outbox.relay;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.seatbooking.support.Api;
import io.seatbooking.support.Tokens;

/**
 * A burst of booking lifecycles through the API (hold, then confirm), one seat each, on a
 * thread pool. It records, per booking, the sequence of its last committed change.
 */
final class Workload {

    private final Map<String, Long> lastSequences = new ConcurrentHashMap<>();
    private final AtomicInteger completed = new AtomicInteger();
    private final CompletableFuture<Void> done;
    private final ExecutorService threads;

    private Workload(String showId, int bookings, int concurrency) {
        threads = Executors.newFixedThreadPool(concurrency);
        CompletableFuture<?>[] lifecycles = new CompletableFuture<?>[bookings];
        for (int i = 0; i < bookings; i++) {
            String seat = "A" + (i + 1);
            lifecycles[i] = CompletableFuture.runAsync(() -> {
                String customer = Tokens.customer("burst-" + UUID.randomUUID());
                String id = Api.holdSeats(customer, showId, seat);
                lastSequences.put(id, 1L);
                Api.confirm(customer, id).then().statusCode(200);
                lastSequences.put(id, 2L);
                completed.incrementAndGet();
            }, threads);
        }
        done = CompletableFuture.allOf(lifecycles);
    }

    static Workload start(String showId, int bookings, int concurrency) {
        return new Workload(showId, bookings, concurrency);
    }

    /**
     * Starts {@code bookings} lifecycles, one per seat of a new show of as many seats, and waits
     * (up to 60 s) until {@code completed} of them are done: a burst well under way.
     */
    static Workload underway(int bookings, int concurrency, int completed) {
        Workload burst = start(Api.createShow(bookings), bookings, concurrency);
        await().atMost(Duration.ofSeconds(60)).until(() -> burst.completed() >= completed);
        return burst;
    }

    int completed() {
        return completed.get();
    }

    void awaitDone() throws Exception {
        try {
            done.get(3, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }
    }

    Map<String, Long> lastSequences() {
        return Map.copyOf(lastSequences);
    }
}
