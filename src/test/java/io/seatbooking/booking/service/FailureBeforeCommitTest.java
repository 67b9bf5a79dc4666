package io.seatbooking.booking.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.IfMatch;
import io.seatbooking.db.BeforeCommit;
import io.seatbooking.security.Caller;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.Tokens;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A failure after the seat update and the outbox row, just before commit (injected through the
 * {@link BeforeCommit} extension point), must leave no trace: no seat change, no booking, no event.
 * Each hook first reads, inside the doomed transaction, that the change really was made.
 */
@QuarkusTest
class FailureBeforeCommitTest {

    @Inject
    HoldService holds;

    @Inject
    BookingLifecycleService lifecycle;

    @Test
    void failedHoldLeavesNoSeatChangeNoBookingAndNoOutboxRow() {
        String showId = Api.createShow("A1", "A2", "A3");
        String etag = Api.seatMapEtag(showId);
        List<Map<String, Object>> seatsBefore = seatRows(showId);
        long outboxBefore = Db.outboxRowsOfShow(showId);
        AtomicReference<Booking> attempted = new AtomicReference<>();
        AtomicReference<String> seenInTransaction = new AtomicReference<>();

        BeforeCommit<Booking> failingHook = (tx, booking) -> {
            attempted.set(booking);
            return seen(tx, booking.id.toString(), showId).invoke(seenInTransaction::set)
                    .chain(() -> Uni.createFrom().failure(new IllegalStateException("injected failure before commit")));
        };

        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(
                () -> holds.hold(new Caller(Tokens.newCustomerId("doomed"), false), UUID.fromString(showId),
                        List.of("A1", "A3"), null, failingHook)))
                .hasMessageContaining("injected failure before commit");

        // Inside the transaction the change was complete ...
        assertThat(seenInTransaction.get()).isEqualTo("seats A1=HELD,A3=HELD; booking HELD; outbox booking.held");
        // ... and after the rollback none of it exists.
        String bookingId = attempted.get().id.toString();
        assertThat(seatRows(showId)).isEqualTo(seatsBefore);
        assertThat(Api.seatMapEtag(showId)).isEqualTo(etag);
        assertThat(Db.count("SELECT count(*) FROM booking WHERE id = ?::uuid OR show_id = ?::uuid", bookingId, showId))
                .isZero();
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE show_id = ?::uuid", showId)).isZero();
        assertThat(Db.eventTypes(bookingId)).isEmpty();
        assertThat(Db.outboxRowsOfShow(showId)).isEqualTo(outboxBefore);
        // The seats are still free for the next customer.
        Api.hold(Tokens.customer(Tokens.newCustomerId("next")), showId, "A1", "A3").then().statusCode(201);
    }

    @Test
    void failedConfirmLeavesBookingHeldAndSeatsHeld() {
        String showId = Api.createShow("A1");
        String customerId = Tokens.newCustomerId("alice");
        String bookingId = Api.holdSeats(Tokens.customer(customerId), showId, "A1");
        List<Map<String, Object>> seatsBefore = seatRows(showId);

        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> lifecycle.confirm(
                new Caller(customerId, false), UUID.fromString(bookingId), IfMatch.ANY, "pay-1", failAfterChange())))
                .hasMessageContaining("injected");

        assertThat(Api.booking(Tokens.customer(customerId), bookingId).getString("status")).isEqualTo("HELD");
        assertThat(Api.booking(Tokens.customer(customerId), bookingId).getInt("version")).isEqualTo(1);
        assertThat(seatRows(showId)).isEqualTo(seatsBefore);
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held");
    }

    @Test
    void failedCancelLeavesBookingAndSeatClaimsInPlace() {
        String showId = Api.createShow("A1", "A2");
        String customerId = Tokens.newCustomerId("alice");
        String bookingId = Api.holdSeats(Tokens.customer(customerId), showId, "A1", "A2");
        List<Map<String, Object>> seatsBefore = seatRows(showId);

        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> lifecycle.cancel(
                new Caller(customerId, false), UUID.fromString(bookingId), IfMatch.ANY, failAfterChange())))
                .hasMessageContaining("injected");

        assertThat(Api.booking(Tokens.customer(customerId), bookingId).getString("status")).isEqualTo("HELD");
        assertThat(seatRows(showId)).isEqualTo(seatsBefore);
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE booking_id = ?::uuid AND live", bookingId))
                .isEqualTo(2);
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held");
    }

    /** A hook that checks the change is visible in its transaction (version moved on), then fails. */
    private static BeforeCommit<Booking> failAfterChange() {
        return (tx, booking) -> tx.preparedQuery("SELECT version FROM booking WHERE id = $1").execute(Tuple.of(booking.id))
                .map(rows -> rows.iterator().next().getLong("version"))
                .chain(version -> version == booking.version && version > 1
                        ? Uni.createFrom().failure(new IllegalStateException("injected failure before commit"))
                        : Uni.createFrom().failure(new AssertionError("change not visible in its transaction")));
    }

    /** What the doomed hold's transaction sees of its own work. */
    private static Uni<String> seen(SqlConnection tx, String bookingId, String showId) {
        UUID booking = UUID.fromString(bookingId);
        return tx.preparedQuery("SELECT label, status FROM seat WHERE show_id = $1 AND booking_id = $2 ORDER BY label")
                .execute(Tuple.of(UUID.fromString(showId), booking))
                .chain(seats -> tx.preparedQuery("SELECT status FROM booking WHERE id = $1").execute(Tuple.of(booking))
                        .chain(bookingRows -> tx.preparedQuery("SELECT event_type FROM outbox_event WHERE subject = $1")
                                .execute(Tuple.of(bookingId))
                                .map(events -> {
                                    StringBuilder sb = new StringBuilder("seats ");
                                    List<String> parts = new java.util.ArrayList<>();
                                    for (Row row : seats) {
                                        parts.add(row.getString("label") + "=" + row.getString("status"));
                                    }
                                    sb.append(String.join(",", parts)).append("; booking ");
                                    for (Row row : bookingRows) {
                                        sb.append(row.getString("status"));
                                    }
                                    sb.append("; outbox");
                                    for (Row row : events) {
                                        sb.append(' ').append(row.getString("event_type"));
                                    }
                                    return sb.toString();
                                })));
    }

    private static List<Map<String, Object>> seatRows(String showId) {
        return Db.rows("SELECT label, status, booking_id, version FROM seat WHERE show_id = ?::uuid ORDER BY label", showId);
    }
}
