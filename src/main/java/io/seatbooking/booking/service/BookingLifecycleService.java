package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingMetrics;
import io.seatbooking.booking.BookingOutcome;
import io.seatbooking.booking.BookingOutcome.BookingNotFound;
import io.seatbooking.booking.BookingOutcome.ConcurrentChange;
import io.seatbooking.booking.BookingOutcome.HoldExpired;
import io.seatbooking.booking.BookingOutcome.StateConflict;
import io.seatbooking.booking.BookingOutcome.VersionMismatch;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.IfMatch;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.repository.BookingRepository;
import io.seatbooking.booking.repository.BookingRepository.ConfirmIf;
import io.seatbooking.booking.repository.BookingSnapshot;
import io.seatbooking.booking.service.SeatMapCache.SeatChange;
import io.seatbooking.db.BeforeCommit;
import io.seatbooking.db.DatabaseFailures;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.queue.service.AdmissionGate;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Moves a booking on from HELD: confirm, cancel, expire. Each change reads the booking and its
 * seats' versions, decides from that read, then in one transaction updates the booking and its
 * seats with conditional version updates and appends the event (sent together, in one round
 * trip). If another change won in between, the transaction rolls back and the decision is taken
 * again from a fresh read.
 *
 * <p>A client's confirm, the hot path of every booking, reads nothing first: its statement moves
 * the booking only under the conditions a read would check (HELD, not run out, the caller's, a
 * version the caller accepts) and returns it, and its event follows in the same transaction. Only
 * when it moved nothing is the booking read, to say why.
 */
@Singleton
public class BookingLifecycleService {

    private static final int ATTEMPTS = 3;

    private final Pool pool;
    private final BookingRepository bookings;
    private final BookingEvents events;
    private final InstantSource clock;
    private final SeatMapCache seatMaps;
    private final BookingMetrics metrics;
    private final AdmissionGate admissions;

    public BookingLifecycleService(Pool pool, BookingRepository bookings, BookingEvents events, InstantSource clock,
            SeatMapCache seatMaps, BookingMetrics metrics, AdmissionGate admissions) {
        this.pool = pool;
        this.bookings = bookings;
        this.events = events;
        this.clock = clock;
        this.seatMaps = seatMaps;
        this.metrics = metrics;
        this.admissions = admissions;
    }

    /**
     * HELD to CONFIRMED, seats to BOOKED.
     *
     * @param ifMatch the versions the client accepts
     * @throws BookingOutcome {@link BookingNotFound} unknown or not the caller's;
     *         {@link VersionMismatch}; {@link StateConflict} not HELD; {@link HoldExpired};
     *         {@link ConcurrentChange} when it kept changing
     */
    public Uni<Booking> confirm(Caller caller, UUID bookingId, IfMatch ifMatch, String paymentReference,
            BeforeCommit<Booking> beforeCommit) {
        ConfirmIf conditions = ConfirmIf.requested(caller.onlyCustomer(), ifMatch.acceptedVersions());
        return withRetries(() -> confirmUnread(bookingId, conditions, paymentReference, beforeCommit)
                .chain(confirmed -> confirmed.isPresent() ? Uni.createFrom().item(confirmed.get())
                        : bookings.findWithSeats(bookingId)
                                .map(found -> whyNotConfirmed(visible(caller, bookingId, found, ifMatch)))));
    }

    /**
     * HELD to CONFIRMED, seats to BOOKED, for a payment of the booking's total, with nothing read
     * before: the common case of a payment, tried before the payment reads the booking to decide.
     * Empty when the booking is not HELD with its hold running and that total (nothing was
     * written; decide from a read).
     */
    public Uni<Optional<Booking>> confirmPaid(UUID bookingId, long totalCents, String currency, String paymentId,
            BeforeCommit<Booking> beforeCommit) {
        return confirmUnread(bookingId, ConfirmIf.paid(totalCents, currency), paymentId, beforeCommit)
                .onFailure(e -> e instanceof StaleBookingException || DatabaseFailures.isConcurrencyConflict(e))
                .recoverWithItem(Optional.empty());
    }

    /**
     * A confirm whose statement decides on the booking's row itself ({@link
     * BookingRepository#confirmHeld}); empty when it moved nothing (nothing was written).
     */
    private Uni<Optional<Booking>> confirmUnread(UUID bookingId, ConfirmIf conditions, String paymentReference,
            BeforeCommit<Booking> beforeCommit) {
        return Uni.createFrom().deferred(() -> pool.withTransaction(tx -> bookings.confirmHeld(tx, bookingId,
                conditions, clock.instant(), paymentReference)
                .chain(changed -> changed.isPresent()
                        ? confirmedAsChanged(tx, changed.get(), beforeCommit).map(Optional::of)
                        : Uni.createFrom().item(Optional.<BookingSnapshot> empty()))))
                .invoke(changed -> changed.ifPresent(confirmed -> {
                    seatMaps.changed(confirmed.booking().showId, SeatChange.at(confirmed.ownedSeats(),
                            confirmed.ownedSeatVersions(), SeatStatus.BOOKED));
                    metrics.transition("confirmed");
                }))
                .map(changed -> changed.map(BookingSnapshot::booking));
    }

    /**
     * The rest of a confirm whose statement moved the booking and its seats (the change read
     * nothing before): its event, the admission's end and the caller's work (a payment's inbox
     * record, say), in its transaction. The booking has moved already, so they all go out at
     * once, pipelined in one round trip; any failure rolls the transaction back.
     */
    private Uni<BookingSnapshot> confirmedAsChanged(SqlConnection tx, BookingSnapshot changed,
            BeforeCommit<Booking> beforeCommit) {
        if (!BookingRepository.everySeatMoved(changed.ownedSeats().size(), changed)) {
            throw new StaleBookingException();
        }
        Booking confirmed = changed.booking();
        return Uni.combine().all()
                .unis(events.bookingChanged(tx, EventTypes.BOOKING_CONFIRMED, confirmed),
                        admissions.finish(tx, confirmed.showId, confirmed.customerId),
                        beforeCommit.run(tx, confirmed))
                .discardItems()
                .replaceWith(changed);
    }

    /**
     * Why a confirm's statement did not move the booking, from a read after it: the outcome that
     * {@link #confirmed} would throw on that read. A booking that could have moved after all
     * changed in between: decide again.
     */
    private Booking whyNotConfirmed(BookingSnapshot snapshot) {
        requireConfirmable(snapshot.booking(), clock.instant());
        throw new StaleBookingException();
    }

    /**
     * HELD to CONFIRMED, seats to BOOKED, for a caller that read the booking itself and decided on
     * that read: the change applies only if the booking and its seats still have the versions read.
     * Nothing is read again and nothing is retried; the caller decides again from a fresh read.
     *
     * @throws BookingOutcome {@link HoldExpired}; {@link StateConflict} not HELD; {@link
     *         ConcurrentChange} when the booking changed since it was read
     */
    public Uni<Booking> confirmAsRead(BookingSnapshot snapshot, String paymentReference,
            BeforeCommit<Booking> beforeCommit) {
        return asRead(snapshot, () -> confirmed(snapshot, paymentReference, beforeCommit));
    }

    private Uni<Booking> confirmed(BookingSnapshot snapshot, String paymentReference,
            BeforeCommit<Booking> beforeCommit) {
        Booking booking = snapshot.booking();
        Instant now = clock.instant();
        requireConfirmable(booking, now);
        Booking confirmed = nextVersionOf(booking, BookingStatus.CONFIRMED, now, paymentReference);
        return pool.withTransaction(tx -> Uni.combine().all()
                .unis(bookings.confirm(tx, snapshot, now, paymentReference),
                        events.bookingChanged(tx, EventTypes.BOOKING_CONFIRMED, confirmed))
                .with((version, appended) -> won(version, confirmed))
                .call(() -> admissions.finish(tx, confirmed.showId, confirmed.customerId))
                .call(() -> beforeCommit.run(tx, confirmed)))
                .invoke(() -> seatsChanged(snapshot, SeatStatus.BOOKED))
                .invoke(() -> metrics.transition("confirmed"));
    }

    /** @throws BookingOutcome {@link HoldExpired}; {@link StateConflict} not HELD */
    private static void requireConfirmable(Booking booking, Instant now) {
        if (booking.status == BookingStatus.EXPIRED || booking.holdExpiredAt(now)) {
            throw new HoldExpired(booking.id, booking.expiresAt);
        }
        if (booking.status != BookingStatus.HELD) {
            throw new StateConflict(booking.id, booking.status, "confirmed");
        }
    }

    /**
     * HELD or CONFIRMED to CANCELLED, seats to AVAILABLE. A cancelled booking is returned unchanged.
     *
     * @throws BookingOutcome {@link BookingNotFound} unknown or not the caller's;
     *         {@link VersionMismatch}; {@link HoldExpired}; {@link ConcurrentChange} when it kept
     *         changing
     */
    public Uni<Booking> cancel(Caller caller, UUID bookingId, IfMatch ifMatch, BeforeCommit<Booking> beforeCommit) {
        return withRetries(() -> bookings.findWithSeats(bookingId)
                .chain(found -> cancelled(visible(caller, bookingId, found, ifMatch), beforeCommit)));
    }

    /**
     * HELD or CONFIRMED to CANCELLED, seats to AVAILABLE, for a caller that read the booking itself
     * and decided on that read, as {@link #confirmAsRead}. A cancelled booking is returned unchanged.
     *
     * @throws BookingOutcome {@link HoldExpired}; {@link ConcurrentChange} when the booking changed
     *         since it was read
     */
    public Uni<Booking> cancelAsRead(BookingSnapshot snapshot, BeforeCommit<Booking> beforeCommit) {
        return asRead(snapshot, () -> cancelled(snapshot, beforeCommit));
    }

    private Uni<Booking> cancelled(BookingSnapshot snapshot, BeforeCommit<Booking> beforeCommit) {
        Booking booking = snapshot.booking();
        Instant now = clock.instant();
        if (booking.status == BookingStatus.CANCELLED) {
            return Uni.createFrom().item(booking);
        }
        if (booking.status == BookingStatus.EXPIRED || booking.holdExpiredAt(now)) {
            throw new HoldExpired(booking.id, booking.expiresAt);
        }
        return pool.withTransaction(tx -> release(tx, snapshot, BookingStatus.CANCELLED, now,
                EventTypes.BOOKING_CANCELLED)
                .call(cancelled -> beforeCommit.run(tx, cancelled)))
                .invoke(() -> seatsChanged(snapshot, SeatStatus.AVAILABLE))
                .invoke(() -> metrics.transition("cancelled"));
    }

    /**
     * Releases a hold that has run out: HELD to EXPIRED, seats to AVAILABLE. Safe to call for any
     * booking from any replica at any time; answers empty when there was nothing to expire or
     * another replica did it first.
     */
    public Uni<Optional<Booking>> expire(UUID bookingId) {
        return bookings.findWithSeats(bookingId).chain(found -> {
            Instant now = clock.instant();
            if (found.isEmpty() || !found.get().booking().holdExpiredAt(now)) {
                return Uni.createFrom().item(Optional.<Booking> empty());
            }
            BookingSnapshot snapshot = found.get();
            return pool.withTransaction(tx -> release(tx, snapshot, BookingStatus.EXPIRED, now,
                    EventTypes.BOOKING_EXPIRED))
                    .map(Optional::of)
                    .invoke(() -> {
                        seatsChanged(snapshot, SeatStatus.AVAILABLE);
                        metrics.transition("expired");
                    })
                    .onFailure(e -> e instanceof StaleBookingException || DatabaseFailures.isConcurrencyConflict(e))
                    .recoverWithItem(Optional.empty());
        });
    }

    /**
     * Records that a payment arrived which the booking cannot take, as {@code
     * booking.refund-requested}: the booking keeps its state, its version moves on (a conditional
     * version update against the version the caller decided on) so that the event's sequence
     * stays strictly increasing, and the event is appended in the same transaction.
     *
     * @param booking the booking as the caller read it and decided on
     * @param reason why the payment cannot be taken, e.g. {@code booking-expired}
     * @throws ConcurrentChange if the booking changed since it was read (nothing was written;
     *         decide again from a fresh read)
     */
    public Uni<Booking> requestRefund(Booking booking, String paymentId, Long amountCents, String reason,
            BeforeCommit<Booking> beforeCommit) {
        Instant now = clock.instant();
        Booking touched = nextVersionOf(booking, booking.status, now, null);
        return pool.withTransaction(tx -> Uni.combine().all()
                .unis(bookings.touch(tx, booking, now),
                        events.refundRequested(tx, touched, paymentId, amountCents, reason))
                .with((version, appended) -> won(version, touched))
                .call(() -> beforeCommit.run(tx, touched)))
                .invoke(() -> metrics.transition("refund-requested"))
                .onFailure(StaleBookingException.class).transform(e -> new ConcurrentChange(
                        "Booking " + booking.id + " changed since it was read."));
    }

    private Uni<Booking> release(SqlConnection tx, BookingSnapshot snapshot, BookingStatus next, Instant now,
            String eventType) {
        Booking booking = snapshot.booking();
        Booking released = nextVersionOf(booking, next, now, null);
        return Uni.combine().all()
                .unis(bookings.transition(tx, booking, next, now, null), bookings.releaseSeats(tx, snapshot),
                        events.bookingChanged(tx, eventType, released))
                .with((version, moved, appended) -> {
                    if (!BookingRepository.everySeatMoved(moved, snapshot)) {
                        throw new StaleBookingException();
                    }
                    return won(version, released);
                });
    }

    /**
     * The booking as a conditional update of its version, if it wins, leaves it: its version one
     * higher. A change is sent together with its event, built from this booking, without waiting
     * for the update's answer (the client pipelines them on the transaction's connection, one
     * round trip for both); the answer then decides whether the transaction may commit.
     */
    private static Booking nextVersionOf(Booking booking, BookingStatus next, Instant now, String paymentReference) {
        return booking.transitioned(next, booking.version + 1, now, paymentReference);
    }

    /**
     * The change as built in advance, if the conditional update won; a lost update means a concurrent
     * change, and the transaction, with the event sent beside it, rolls back.
     */
    private static Booking won(Optional<Long> version, Booking expected) {
        long actual = version.orElseThrow(StaleBookingException::new);
        if (actual != expected.version) {
            throw new IllegalStateException("Booking " + expected.id + " moved to version " + actual + ", not "
                    + expected.version + " as its event says");
        }
        return expected;
    }

    /** A change decided on the caller's read: another change that won since is a {@link ConcurrentChange}. */
    private static Uni<Booking> asRead(BookingSnapshot snapshot, Supplier<Uni<? extends Booking>> change) {
        return Uni.createFrom().deferred(change)
                .onFailure(e -> e instanceof StaleBookingException || DatabaseFailures.isConcurrencyConflict(e))
                .transform(e -> new ConcurrentChange("Booking " + snapshot.booking().id + " changed since it was read."));
    }

    private <T> Uni<T> withRetries(Supplier<Uni<? extends T>> operation) {
        return Uni.createFrom().deferred(operation)
                .onFailure(e -> e instanceof StaleBookingException || DatabaseFailures.isConcurrencyConflict(e))
                .invoke(e -> metrics.conflict(e instanceof StaleBookingException ? "version-retry" : "database-retry"))
                .onFailure(e -> e instanceof StaleBookingException || DatabaseFailures.isConcurrencyConflict(e))
                .retry().atMost(ATTEMPTS - 1)
                .onFailure(StaleBookingException.class).transform(e -> new ConcurrentChange(
                        "The booking kept changing while the request ran; retry."));
    }

    /** The booking's seats, as the snapshot read them, moved to {@code status} in a committed change. */
    private void seatsChanged(BookingSnapshot snapshot, SeatStatus status) {
        seatMaps.changed(snapshot.booking().showId,
                SeatChange.of(snapshot.ownedSeats(), snapshot.ownedSeatVersions(), status));
    }

    /** The booking if it exists and the caller may see it, after the If-Match precondition. */
    private static BookingSnapshot visible(Caller caller, UUID bookingId, Optional<BookingSnapshot> found,
            IfMatch ifMatch) {
        if (found.isEmpty() || !caller.mayActFor(found.get().booking().customerId)) {
            throw new BookingNotFound(bookingId);
        }
        Booking booking = found.get().booking();
        if (!ifMatch.matches(booking.version)) {
            throw new VersionMismatch(booking.version);
        }
        return found.get();
    }
}
