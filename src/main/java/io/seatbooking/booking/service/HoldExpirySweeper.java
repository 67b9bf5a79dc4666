package io.seatbooking.booking.service;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.repository.BookingRepository;
import io.seatbooking.platform.RepeatingJob;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Releases holds that ran out. Every replica may run it at once: each expiry is a conditional
 * version update, so of two sweepers reaching one booking exactly one wins and the other skips.
 * Sweeps are jittered (+/-50% of the interval) so that replicas do not move in step, each takes a
 * bounded batch in shuffled order, and a full batch is followed at once by the next.
 */
@Singleton
public class HoldExpirySweeper {

    private static final Logger LOG = Logger.getLogger(HoldExpirySweeper.class);

    private final BookingRepository bookings;
    private final BookingLifecycleService lifecycle;
    private final BookingConfig config;
    private final InstantSource clock;
    private final Vertx vertx;

    private volatile RepeatingJob job;

    public HoldExpirySweeper(BookingRepository bookings, BookingLifecycleService lifecycle, BookingConfig config,
            InstantSource clock, Vertx vertx) {
        this.bookings = bookings;
        this.lifecycle = lifecycle;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (config.expiry().enabled()) {
            job = RepeatingJob.start(vertx, "Expiry sweep", config.expiry().sweepInterval(),
                    () -> sweepOnce().map(result -> {
                        if (result.released() > 0) {
                            LOG.debugf("Released %d expired holds", result.released());
                        }
                        return result.batchWasFull();
                    }));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (job != null) {
            job.stop();
        }
    }

    /**
     * Expires one batch of run-out holds. Answers how many this replica released and whether the
     * batch was full (more may be waiting).
     */
    public Uni<SweepResult> sweepOnce() {
        int batchSize = config.expiry().batchSize();
        return bookings.findExpiredHolds(clock.instant(), batchSize).chain(ids -> {
            List<UUID> shuffled = new ArrayList<>(ids);
            Collections.shuffle(shuffled);
            return Multi.createFrom().iterable(shuffled)
                    .onItem().transformToUniAndConcatenate(lifecycle::expire)
                    .filter(java.util.Optional::isPresent)
                    .collect().with(java.util.stream.Collectors.counting())
                    .map(released -> new SweepResult(released.intValue(), ids.size() == batchSize));
        });
    }

    /** The outcome of one sweep. */
    public record SweepResult(int released, boolean batchWasFull) {
    }

}
