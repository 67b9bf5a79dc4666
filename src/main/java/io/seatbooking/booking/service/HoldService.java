package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingMetrics;
import io.seatbooking.booking.BookingOutcome;
import io.seatbooking.booking.BookingOutcome.SeatsUnavailable;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.repository.BookingRepository;
import io.seatbooking.booking.service.SeatMapCache.SeatChange;
import io.seatbooking.db.BeforeCommit;
import io.seatbooking.db.DatabaseFailures;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.queue.service.AdmissionGate;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Holds seats: all of the asked seats or none, at the price they have when read (the booking
 * freezes the total and the show's currency).
 *
 * <p>A hold first reads the seats' states and versions without locking (most losers of an
 * on-sale stop here, cheaply), then in one transaction moves each seat AVAILABLE to HELD with a
 * conditional version update and inserts the booking (one statement), and appends its
 * {@code booking.held} event. If any seat update finds another version, the transaction rolls
 * back and the answer names the seats lost.
 */
@Singleton
public class HoldService {

    private static final TimeBasedEpochGenerator BOOKING_IDS = Generators.timeBasedEpochGenerator();

    private final Pool pool;
    private final HoldRules rules;
    private final BookingRepository bookings;
    private final BookingEvents events;
    private final InstantSource clock;
    private final SeatMapCache seatMaps;
    private final BookingMetrics metrics;
    private final AdmissionGate admissions;

    public HoldService(Pool pool, HoldRules rules, BookingRepository bookings, BookingEvents events,
            InstantSource clock, SeatMapCache seatMaps, BookingMetrics metrics, AdmissionGate admissions) {
        this.pool = pool;
        this.rules = rules;
        this.bookings = bookings;
        this.events = events;
        this.clock = clock;
        this.seatMaps = seatMaps;
        this.metrics = metrics;
        this.admissions = admissions;
    }

    /**
     * Holds {@code labels} of show {@code showId} for the caller. A show with a waiting room also
     * needs the caller's current admission ({@code admissionToken}), used in the hold's transaction.
     *
     * @throws BookingOutcome {@code ShowNotFound}; {@code ShowNotOnSale}; {@code InvalidRequest} for empty, duplicate,
     *         unknown or too many seats; {@link SeatsUnavailable} naming the seats that were not
     *         available
     * @throws io.seatbooking.queue.QueueOutcome {@code AdmissionRequired} without a valid admission
     */
    public Uni<Booking> hold(Caller caller, UUID showId, List<String> labels, String admissionToken,
            BeforeCommit<Booking> beforeCommit) {
        UUID bookingId = BOOKING_IDS.generate();
        return Uni.createFrom().deferred(() -> admissions.admission(showId, caller.id(), admissionToken))
                .chain(admission -> rules.readAskedSeats(showId, labels).chain(asked -> {
                    Instant now = clock.instant();
                    Booking booking = new Booking(bookingId, showId, caller.id(), BookingStatus.HELD, labels,
                            rules.expiryOf(now), null, now, now, 1, asked.totalCents(), asked.show().currency());
                    return claim(booking, asked.seats(), admission, beforeCommit);
                }))
                .onFailure(DatabaseFailures::isConcurrencyConflict).invoke(() -> metrics.conflict("database-retry"))
                .onFailure(DatabaseFailures::isConcurrencyConflict).retry().atMost(2)
                .invoke(() -> metrics.hold("held"))
                .onFailure(BookingOutcome.class).invoke(e -> metrics.hold(
                        e instanceof SeatsUnavailable ? "seat-unavailable" : "rejected"));
    }

    private Uni<Booking> claim(Booking booking, List<Seat> found, AdmissionGate.AdmissionUse admission,
            BeforeCommit<Booking> beforeCommit) {
        List<String> unavailable = found.stream().filter(s -> s.status() != SeatStatus.AVAILABLE)
                .map(Seat::label).toList();
        if (!unavailable.isEmpty()) {
            return Uni.createFrom().failure(seatUnavailable(booking.seats, unavailable));
        }
        Map<String, Long> versions = new HashMap<>();
        found.forEach(s -> versions.put(s.label(), s.version()));
        List<Long> expected = booking.seats.stream().map(versions::get).toList();
        // The seat claim and the event go out together (one round trip); a claim that lost a seat
        // rolls both back.
        return pool.withTransaction(tx -> admission.apply(tx)
                .chain(() -> Uni.combine().all()
                        .unis(bookings.holdSeats(tx, booking, expected),
                                events.bookingChanged(tx, EventTypes.BOOKING_HELD, booking))
                        .with((claimed, appended) -> claimed))
                .chain(claimed -> {
                    if (claimed.size() < booking.seats.size()) {
                        metrics.conflict("seat-taken-after-read");
                        List<String> lost = new ArrayList<>(booking.seats);
                        lost.removeAll(claimed);
                        return Uni.createFrom().failure(seatUnavailable(booking.seats, lost));
                    }
                    return beforeCommit.run(tx, booking).replaceWith(booking);
                }))
                .invoke(() -> seatMaps.changed(booking.showId, SeatChange.of(booking.seats, expected, SeatStatus.HELD)));
    }

    private static SeatsUnavailable seatUnavailable(List<String> asked, List<String> unavailable) {
        return new SeatsUnavailable(asked.stream().filter(unavailable::contains).toList());
    }
}
