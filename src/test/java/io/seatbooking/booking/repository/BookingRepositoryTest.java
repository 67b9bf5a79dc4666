package io.seatbooking.booking.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.repository.BookingRepository.ConfirmIf;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The confirm's one statement decides its race by what it returns: the new version only when the
 * booking and every one of its seats moved. The service rolls back on anything else; these tests
 * do the same and look at what is left. The confirm without a read before it moves a booking only
 * under every condition the service checks on a read (HELD, not run out, the caller's, a version
 * the caller accepts), and changes nothing otherwise.
 */
@QuarkusTest
class BookingRepositoryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    BookingRepository bookings;

    @Inject
    Pool pool;

    @Test
    void confirmMovesTheBookingAndEverySeat() {
        Api.Held held = Api.newHold("A1", "A2");
        BookingSnapshot snapshot = snapshot(held);

        Optional<Long> version = confirmInTransaction(snapshot);

        assertThat(version).contains(snapshot.booking().version + 1);
        assertThat(Db.value("SELECT status || ':' || payment_reference FROM booking WHERE id = ?::uuid",
                held.bookingId())).isEqualTo("CONFIRMED:pay-1");
        assertThat(seats(held)).containsExactly("A1:BOOKED:" + (seatVersion(snapshot, 0) + 1),
                "A2:BOOKED:" + (seatVersion(snapshot, 1) + 1));
    }

    @Test
    void confirmOfABookingThatMovedOnTouchesNoSeat() {
        Api.Held held = Api.newHold("A1", "A2");
        BookingSnapshot snapshot = snapshot(held);
        List<String> seatsBefore = seats(held);
        Db.update("UPDATE booking SET version = version + 1 WHERE id = ?::uuid", held.bookingId());

        // Committed as it is: the booking's guard alone must keep the seats where they were.
        assertThat(confirmInTransaction(snapshot)).isEmpty();

        assertThat(Db.bookingStatus(held.bookingId())).isEqualTo("HELD");
        assertThat(seats(held)).isEqualTo(seatsBefore);
    }

    @Test
    void confirmWithASeatThatMovedOnAnswersEmptyAndItsRollbackLeavesEverything() {
        Api.Held held = Api.newHold("A1", "A2");
        BookingSnapshot snapshot = snapshot(held);
        Db.update("UPDATE seat SET version = version + 1 WHERE show_id = ?::uuid AND label = 'A2'", held.showId());
        List<String> seatsBefore = seats(held);

        assertThatThrownBy(() -> pool.withTransaction(tx -> bookings.confirm(tx, snapshot, Instant.now(), "pay-1")
                .map(version -> version.orElseThrow(LostRace::new)))
                .await().atMost(WAIT)).isInstanceOf(LostRace.class);

        assertThat(Db.bookingStatus(held.bookingId())).isEqualTo("HELD");
        assertThat(Db.bookingVersion(held.bookingId())).isEqualTo(snapshot.booking().version);
        assertThat(seats(held)).isEqualTo(seatsBefore);
    }

    @Test
    void confirmWithoutAReadMovesTheBookingAndEverySeatAndReturnsTheirNewVersions() {
        Api.Held held = Api.newHold("A1", "A2");
        BookingSnapshot before = snapshot(held);

        BookingSnapshot confirmed = confirmHeld(held, before.booking().customerId,
                new Long[] { before.booking().version }).orElseThrow();

        assertThat(confirmed.booking().status).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(confirmed.booking().version).isEqualTo(before.booking().version + 1);
        assertThat(confirmed.booking().paymentReference).isEqualTo("pay-1");
        assertThat(confirmed.ownedSeats()).containsExactly("A1", "A2");
        assertThat(confirmed.ownedSeatVersions())
                .containsExactly(seatVersion(before, 0) + 1, seatVersion(before, 1) + 1);
        assertThat(seats(held)).containsExactly("A1:BOOKED:" + (seatVersion(before, 0) + 1),
                "A2:BOOKED:" + (seatVersion(before, 1) + 1));
        assertThat(Db.value("SELECT status FROM booking WHERE id = ?::uuid", held.bookingId())).isEqualTo("CONFIRMED");
    }

    @Test
    void confirmWithoutAReadOfAnotherCustomersBookingAnotherVersionOrARunOutHoldChangesNothing() {
        Api.Held held = Api.newHold("A1", "A2");
        BookingSnapshot before = snapshot(held);
        List<String> seatsBefore = seats(held);

        assertThat(confirmHeld(held, "someone-else", null)).isEmpty();
        String customer = before.booking().customerId;
        assertThat(confirmHeld(held, customer, new Long[] { before.booking().version + 1 })).isEmpty();
        assertThat(confirmHeld(held, customer, new Long[0])).isEmpty();
        assertThat(pool.withTransaction(tx -> bookings.confirmHeld(tx, UUID.fromString(held.bookingId()),
                ConfirmIf.requested(null, null), before.booking().expiresAt, "pay-1")).await().atMost(WAIT)).isEmpty();
        assertThat(confirmHeld(held, ConfirmIf.paid(before.booking().totalCents + 1, before.booking().currency)))
                .isEmpty();
        assertThat(confirmHeld(held, ConfirmIf.paid(before.booking().totalCents, "XXX"))).isEmpty();
        Db.update("UPDATE booking SET status = 'CANCELLED' WHERE id = ?::uuid", held.bookingId());
        assertThat(confirmHeld(held, null, null)).isEmpty();

        assertThat(Db.bookingVersion(held.bookingId())).isEqualTo(before.booking().version);
        assertThat(seats(held)).isEqualTo(seatsBefore);
    }

    @Test
    void confirmWithoutAReadOfAnAdminMovesAnyCustomersBooking() {
        Api.Held held = Api.newHold("A1");

        assertThat(confirmHeld(held, null, null)).isPresent();
        assertThat(Db.bookingStatus(held.bookingId())).isEqualTo("CONFIRMED");
    }

    @Test
    void confirmWithoutAReadOfAPaymentOfTheTotalMovesTheBooking() {
        Api.Held held = Api.newHold("A1");
        Booking before = snapshot(held).booking();

        assertThat(confirmHeld(held, ConfirmIf.paid(before.totalCents, before.currency))).isPresent();
        assertThat(Db.bookingStatus(held.bookingId())).isEqualTo("CONFIRMED");
    }

    private Optional<BookingSnapshot> confirmHeld(Api.Held held, String customer, Long[] versions) {
        return confirmHeld(held, ConfirmIf.requested(customer, versions));
    }

    private Optional<BookingSnapshot> confirmHeld(Api.Held held, ConfirmIf conditions) {
        return pool.withTransaction(tx -> bookings.confirmHeld(tx, UUID.fromString(held.bookingId()), conditions,
                Instant.now(), "pay-1")).await().atMost(WAIT);
    }

    private BookingSnapshot snapshot(Api.Held held) {
        return bookings.findWithSeats(UUID.fromString(held.bookingId())).await().atMost(WAIT).orElseThrow();
    }

    private Optional<Long> confirmInTransaction(BookingSnapshot snapshot) {
        return pool.withTransaction(tx -> bookings.confirm(tx, snapshot, Instant.now(), "pay-1")).await().atMost(WAIT);
    }

    private static long seatVersion(BookingSnapshot snapshot, int index) {
        return snapshot.ownedSeatVersions().get(index);
    }

    /** label:status:version of the show's seats, in label order. */
    private static List<String> seats(Api.Held held) {
        return Db.values("SELECT label || ':' || status || ':' || version FROM seat WHERE show_id = ?::uuid "
                + "ORDER BY label", held.showId());
    }

    private static final class LostRace extends RuntimeException {
        LostRace() {
            super("the confirm lost its race", null, false, false);
        }
    }
}
