package io.seatbooking.outbox;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.outbox.relay.OutboxRelayRunner;
import io.seatbooking.outbox.relay.OutboxRepository;
import io.seatbooking.platform.RepeatingJob;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Keeps the outbox small and visible: deletes published rows older than the retention time in
 * bounded batches, and vacuums the pending-row table every few seconds (both on the replica
 * holding relay partition 0), and refreshes the pending-row gauges ({@code outbox.pending},
 * {@code outbox.oldest.pending.age}) on every replica.
 */
@Singleton
public class OutboxMaintenance {

    private static final long STATS_MILLIS = 5_000;

    private final OutboxRepository outbox;
    private final OutboxRelayRunner runner;
    private final OutboxConfig config;
    private final InstantSource clock;
    private final Vertx vertx;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private volatile boolean running;
    private volatile RepeatingJob retention;
    private volatile RepeatingJob vacuum;

    public OutboxMaintenance(OutboxRepository outbox, OutboxRelayRunner runner, OutboxConfig config,
            InstantSource clock, Vertx vertx, MeterRegistry registry) {
        this.outbox = outbox;
        this.runner = runner;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
        Gauge.builder("outbox.pending", pending, AtomicLong::get)
                .description("Outbox rows not yet confirmed by the broker").register(registry);
        Gauge.builder("outbox.oldest.pending.age", oldestAgeMillis, a -> a.get() / 1000.0)
                .baseUnit("seconds").description("Age of the oldest unpublished outbox row").register(registry);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        vertx.setTimer(STATS_MILLIS, id -> refreshStats());
        // Only the replica holding relay partition 0 deletes (one at a time, whoever relays); the
        // others look again next time.
        retention = RepeatingJob.start(vertx, "Outbox retention", config.retention().interval(),
                () -> holdsPartitionZero()
                        ? deleteExpiredBatch().map(deleted -> deleted >= config.retention().batchSize())
                        : Uni.createFrom().item(false));
        vacuum = RepeatingJob.start(vertx, "Outbox pending-row vacuum", config.pending().vacuumInterval(),
                () -> holdsPartitionZero() ? outbox.vacuumPending().replaceWith(false) : Uni.createFrom().item(false));
    }

    private boolean holdsPartitionZero() {
        return runner.relay().map(r -> r.partitions().contains(0)).orElse(false);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (retention != null) {
            retention.stop();
        }
        if (vacuum != null) {
            vacuum.stop();
        }
    }

    /** Deletes one batch of expired published rows now; answers how many. */
    public Uni<Integer> deleteExpiredBatch() {
        return outbox.deletePublished(clock.instant(), config.retention().keep(), config.retention().batchSize());
    }

    private void refreshStats() {
        if (!running) {
            return;
        }
        outbox.pendingStats().subscribe().with(stats -> {
            pending.set(stats.pending());
            oldestAgeMillis.set(stats.oldestCreatedAt() == null ? 0
                    : Math.max(0, Duration.between(stats.oldestCreatedAt(), clock.instant()).toMillis()));
            vertx.setTimer(STATS_MILLIS, id -> refreshStats());
        }, failure -> vertx.setTimer(STATS_MILLIS, id -> refreshStats()));
    }
}
