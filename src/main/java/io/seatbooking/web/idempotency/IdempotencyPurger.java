package io.seatbooking.web.idempotency;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.platform.RepeatingJob;
import io.vertx.mutiny.core.Vertx;

/** Deletes expired idempotency records in bounded batches, on a jittered schedule. */
@Singleton
public class IdempotencyPurger {

    private final IdempotencyService idempotency;
    private final IdempotencyConfig config;
    private final Vertx vertx;
    private volatile RepeatingJob job;

    public IdempotencyPurger(IdempotencyService idempotency, IdempotencyConfig config, Vertx vertx) {
        this.idempotency = idempotency;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        job = RepeatingJob.start(vertx, "Purging expired idempotency keys", config.purgeInterval(),
                () -> idempotency.purgeExpired().map(purged -> purged >= config.purgeBatchSize()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (job != null) {
            job.stop();
        }
    }
}
