package io.seatbooking.deadletter.service;

import java.time.InstantSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.seatbooking.platform.RepeatingJob;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Removes REPLAYED and DISCARDED letters once they were resolved longer ago than
 * {@code dead-letters.retention.keep}, in bounded batches (again at once while a batch comes back
 * full). PARKED letters are never removed, however old: a pending decision is never dropped. Bulk
 * jobs (the audit trail) are kept.
 */
@Singleton
public class DeadLetterRetention {

    private static final Logger LOG = Logger.getLogger(DeadLetterRetention.class);

    private final DeadLetterRepository letters;
    private final DeadLetterConfig.Retention config;
    private final InstantSource clock;
    private final Vertx vertx;
    private RepeatingJob job;

    public DeadLetterRetention(DeadLetterRepository letters, DeadLetterConfig config, InstantSource clock,
            Vertx vertx) {
        this.letters = letters;
        this.config = config.retention();
        this.clock = clock;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        job = RepeatingJob.start(vertx, "Dead letter retention", config.interval(), this::purgeOnce);
    }

    void stop(@Observes ShutdownEvent event) {
        if (job != null) {
            job.stop();
        }
    }

    /** One batch; answers true when it was full (more may wait). */
    public Uni<Boolean> purgeOnce() {
        return letters.purgeResolved(clock.instant().minus(config.keep()), config.batchSize()).map(removed -> {
            if (removed > 0) {
                LOG.infof("Removed %d resolved dead letters older than %s", removed, config.keep());
            }
            return removed >= config.batchSize();
        });
    }
}
