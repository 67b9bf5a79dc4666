package io.seatbooking.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.vertx.mutiny.core.Vertx;

/**
 * Metrics of the parking table: {@code dead_letters.parked} [dead_letters_parked_total] by
 * {@code reason} (rows stored), and the gauges {@code dead_letters.pending}
 * [dead_letters_pending] (PARKED rows) and {@code dead_letters.oldest.age}
 * [dead_letters_oldest_age_seconds] (age of the oldest PARKED row, 0 when none). The gauges read
 * values refreshed in the background, so that a scrape never waits for the database.
 */
@ApplicationScoped
public class DeadLetterMetrics {

    private static final Logger LOG = Logger.getLogger(DeadLetterMetrics.class);

    private final MeterRegistry registry;
    private final DeadLetterRepository letters;
    private final InstantSource clock;
    private final Vertx vertx;
    private final Duration refreshInterval;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private volatile long timerId = -1;

    public DeadLetterMetrics(MeterRegistry registry, DeadLetterRepository letters, InstantSource clock, Vertx vertx,
            DeadLetterConfig config) {
        this.registry = registry;
        this.letters = letters;
        this.clock = clock;
        this.vertx = vertx;
        this.refreshInterval = config.metricsRefresh();
    }

    void start(@Observes StartupEvent event) {
        Gauge.builder("dead_letters.pending", pending, AtomicLong::get)
                .description("Parked dead letters not yet replayed or discarded").register(registry);
        Gauge.builder("dead_letters.oldest.age", this, DeadLetterMetrics::oldestAgeSeconds)
                .description("Age of the oldest parked dead letter").baseUnit("seconds").register(registry);
        timerId = vertx.setPeriodic(1, refreshInterval.toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timerId);
    }

    /** Counts a newly parked letter and refreshes the gauges. */
    public void parked(String reason) {
        Counter.builder("dead_letters.parked").tag("reason", reason).register(registry).increment();
        refresh();
    }

    /** Reads the gauges' values again (in the background). */
    public void refresh() {
        letters.parkedStats().subscribe().with(stats -> {
            pending.set(stats.parked());
            oldest.set(stats.oldest());
        }, failure -> LOG.debugf("Could not refresh the dead letter gauges: %s", failure.toString()));
    }

    double oldestAgeSeconds() {
        Instant first = oldest.get();
        return first == null ? 0 : Math.max(0, Duration.between(first, clock.instant()).toMillis() / 1000.0);
    }
}
