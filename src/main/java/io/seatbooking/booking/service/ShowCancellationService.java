package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.BookingMetrics;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.repository.BookingRepository;
import io.seatbooking.booking.repository.ShowRepository;
import io.seatbooking.db.DatabaseFailures;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.platform.Detached;
import io.seatbooking.platform.RepeatingJob;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Cancels the live bookings of cancelled shows, in bounded batches that survive a crash half way.
 *
 * <p>The work left is always in PostgreSQL: "the HELD or CONFIRMED bookings of a show whose
 * {@code cancelled_at} is set and {@code cancellation_done_at} is not". Each batch is one
 * transaction: up to {@code booking.cancellation.batch-size} bookings move to CANCELLED with
 * conditional version updates, their seats go back, and their events ({@code booking.cancelled},
 * and {@code booking.refund-requested} with reason {@code show-cancelled} for confirmed ones) are
 * appended to the outbox; a crash loses at most the batch in flight, which rolls back whole. A
 * booking that changed since the batch read it is skipped and picked up by the next batch. The
 * cancel request starts the work at once; every replica resumes unfinished cancellations at
 * start and every {@code booking.cancellation.interval}, safely side by side (each booking is
 * cancelled by exactly one conditional update). A show is marked done once no live booking is
 * left and {@code booking.cancellation.settle-time} has passed since it was cancelled, so that a
 * hold that read the show just before the cancellation and committed just after is still caught.
 */
@Singleton
public class ShowCancellationService {

    private static final Logger LOG = Logger.getLogger(ShowCancellationService.class);

    /** The refund reason of a confirmed booking of a cancelled show. */
    public static final String REFUND_REASON = "show-cancelled";

    private final Pool pool;
    private final ShowRepository shows;
    private final BookingRepository bookings;
    private final BookingEvents events;
    private final BookingConfig config;
    private final InstantSource clock;
    private final SeatMapCache seatMaps;
    private final BookingMetrics metrics;
    private final CancellationBatchHook hook;
    private final Vertx vertx;

    private volatile RepeatingJob job;

    public ShowCancellationService(Pool pool, ShowRepository shows, BookingRepository bookings, BookingEvents events,
            BookingConfig config, InstantSource clock, SeatMapCache seatMaps, BookingMetrics metrics,
            CancellationBatchHook hook, Vertx vertx) {
        this.pool = pool;
        this.shows = shows;
        this.bookings = bookings;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.seatMaps = seatMaps;
        this.metrics = metrics;
        this.hook = hook;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        job = RepeatingJob.start(vertx, "Show cancellations", config.cancellation().interval(),
                () -> resumeAll().map(finished -> false));
    }

    void stop(@Observes ShutdownEvent event) {
        if (job != null) {
            job.stop();
        }
    }

    /** Starts cancelling the show's bookings now, in the background (the job resumes it if this fails). */
    public void start(UUID showId) {
        // Outside the cancel request's context: its deadline and its answer must not stop the work.
        Detached.run(() -> run(showId).subscribe().with(
                done -> LOG.debugf("Cancellation of show %s: %s", showId, done ? "done" : "settling"),
                failure -> LOG.warnf("Cancellation of show %s paused, to be resumed: %s", showId, failure.toString())));
    }

    /** Works on every unfinished cancellation; answers how many finished. */
    public Uni<Integer> resumeAll() {
        return shows.pendingCancellations(100).chain(ids -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(this::run)
                .filter(done -> done)
                .collect().asList().map(List::size));
    }

    /**
     * Cancels the show's live bookings batch after batch until none is left; answers whether the
     * cancellation is done (false while it settles).
     */
    public Uni<Boolean> run(UUID showId) {
        return cancelNextBatch(showId).chain(batch -> {
            if (batch.found() > 0) {
                return run(showId);
            }
            Instant now = clock.instant();
            return shows.finishCancellation(showId, now, now.minus(config.cancellation().settleTime()));
        });
    }

    /**
     * What one batch did.
     *
     * @param found the live bookings it read (0: none is left)
     * @param cancelled how many of them it cancelled (the others changed meanwhile and are read again)
     * @param refunds how many of those were confirmed and got {@code booking.refund-requested}
     */
    public record Batch(int found, int cancelled, int refunds) {
    }

    /** One batch, in one transaction with its events. */
    public Uni<Batch> cancelNextBatch(UUID showId) {
        return bookings.liveOfShow(showId, config.cancellation().batchSize()).chain(live -> {
            if (live.isEmpty()) {
                return Uni.createFrom().item(new Batch(0, 0, 0));
            }
            Instant now = clock.instant();
            return pool.withTransaction(tx -> Multi.createFrom().iterable(live)
                    .onItem().transformToUniAndConcatenate(booking -> cancel(tx, booking, now))
                    .collect().asList()
                    .map(outcomes -> new Batch(live.size(),
                            (int) outcomes.stream().filter(o -> o != Cancelled.CHANGED_MEANWHILE).count(),
                            (int) outcomes.stream().filter(o -> o == Cancelled.WITH_REFUND).count()))
                    .call(batch -> hook.beforeCommit(tx, showId, batch.cancelled())))
                    .onFailure(DatabaseFailures::isConcurrencyConflict).retry().atMost(2)
                    .invoke(batch -> {
                        seatMaps.invalidate(showId);
                        metrics.showCancellationBatch(batch.cancelled(), batch.refunds());
                    });
        });
    }

    private enum Cancelled {
        PLAIN, WITH_REFUND, CHANGED_MEANWHILE
    }

    /** Cancels one booking in the batch's transaction, unless it changed since it was read. */
    private Uni<Cancelled> cancel(SqlConnection tx, Booking booking, Instant now) {
        return bookings.transition(tx, booking, BookingStatus.CANCELLED, now, null).chain(version -> {
            if (version.isEmpty()) {
                return Uni.createFrom().item(Cancelled.CHANGED_MEANWHILE);
            }
            Booking cancelled = booking.transitioned(BookingStatus.CANCELLED, version.get(), now, null);
            Uni<Void> written = bookings.releaseOwnedSeats(tx, booking)
                    .chain(() -> events.bookingChanged(tx, EventTypes.BOOKING_CANCELLED, cancelled));
            if (booking.status == BookingStatus.CONFIRMED) {
                written = written.chain(() -> bookings.touch(tx, cancelled, now)).chain(touched -> {
                    Booking refunding = cancelled.transitioned(BookingStatus.CANCELLED, touched.orElseThrow(), now,
                            null);
                    return events.refundRequested(tx, refunding, booking.paymentReference, booking.totalCents,
                            REFUND_REASON);
                });
            }
            return written.replaceWith(
                    booking.status == BookingStatus.CONFIRMED ? Cancelled.WITH_REFUND : Cancelled.PLAIN);
        });
    }
}
