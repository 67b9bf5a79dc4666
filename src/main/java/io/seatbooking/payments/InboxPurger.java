package io.seatbooking.payments;

import java.time.InstantSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.payments.repository.InboxRepository;
import io.seatbooking.platform.RepeatingJob;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Forgets consumed message ids after {@code payments.inbox.retention}, in bounded batches on a
 * jittered schedule. Every replica may run it: a row deleted twice is deleted once.
 */
@Singleton
public class InboxPurger {

    private final InboxRepository inbox;
    private final PaymentsConfig config;
    private final InstantSource clock;
    private final Vertx vertx;
    private volatile RepeatingJob job;

    public InboxPurger(InboxRepository inbox, PaymentsConfig config, InstantSource clock, Vertx vertx) {
        this.inbox = inbox;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        job = RepeatingJob.start(vertx, "Purging the payments inbox", config.inbox().purgeInterval(),
                () -> purgeOnce().map(purged -> purged >= config.inbox().purgeBatchSize()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (job != null) {
            job.stop();
        }
    }

    /** Deletes one batch of ids older than the retention; answers how many. */
    public Uni<Integer> purgeOnce() {
        return inbox.purgeOlderThan(clock.instant().minus(config.inbox().retention()), config.inbox().purgeBatchSize());
    }
}
