package io.seatbooking.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.seatbooking.deadletter.repository.FailureGroupRepository;
import io.vertx.mutiny.core.Vertx;

/**
 * Metrics of the parking table: {@code dead_letters.parked} [dead_letters_parked_total] by
 * {@code reason} (rows stored), and the gauges {@code dead_letters.pending}
 * [dead_letters_pending] (PARKED rows), {@code dead_letters.oldest.age}
 * [dead_letters_oldest_age_seconds] (age of the oldest PARKED row, 0 when none) and
 * {@code dead_letters.group.parked} [dead_letters_group_parked] (PARKED rows per failure group,
 * tagged {@code group}, {@code reason}, {@code message_type}; the {@code metrics-max-groups} largest
 * only, so that the series stay bounded). The gauges read values refreshed in the background, so
 * that a scrape never waits for the database.
 */
@Singleton
public class DeadLetterMetrics {

    private static final Logger LOG = Logger.getLogger(DeadLetterMetrics.class);
    private static final DeadLetterRepository.Filter PARKED = new DeadLetterRepository.Filter(null, null,
            DeadLetterStatus.PARKED, null, null, null, null);

    private final MeterRegistry registry;
    private final DeadLetterRepository letters;
    private final InstantSource clock;
    private final Vertx vertx;
    private final Duration refreshInterval;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private final FailureGroupRepository groups;
    private final int maxGroups;
    private MultiGauge groupGauge;
    private volatile long timerId = -1;

    public DeadLetterMetrics(MeterRegistry registry, DeadLetterRepository letters, InstantSource clock, Vertx vertx,
            DeadLetterConfig config, FailureGroupRepository groups) {
        this.groups = groups;
        this.maxGroups = config.metricsMaxGroups();
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
        groupGauge = MultiGauge.builder("dead_letters.group.parked")
                .description("Parked dead letters per failure group").register(registry);
        timerId = vertx.setPeriodic(1, refreshInterval.toMillis(), id -> {
            refresh();
            refreshGroups();
        });
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

    // On the timer only, not after every park: a GROUP BY over the parked letters is too much per message.
    private void refreshGroups() {
        groups.summarise(FailureGroup.By.GROUP, PARKED, 0, maxGroups).subscribe().with(this::setGroups,
                failure -> LOG.debugf("Could not refresh the dead letter group gauge: %s", failure.toString()));
    }

    // Groups that emptied disappear from the gauge (overwrite = true).
    private void setGroups(List<FailureGroup> current) {
        groupGauge.register(current.stream().filter(g -> g.parked() > 0)
                .map(g -> MultiGauge.Row.of(Tags.of("group", g.key(), "reason", g.sample().reason(), "message_type",
                        String.valueOf(g.sample().messageType())), g.parked()))
                .toList(), true);
    }

    double oldestAgeSeconds() {
        Instant first = oldest.get();
        return first == null ? 0 : Math.max(0, Duration.between(first, clock.instant()).toMillis() / 1000.0);
    }
}
