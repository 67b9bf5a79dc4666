package io.seatbooking.booking.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.db.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every change of a booking and its seats, as conditional version updates: each statement names
 * the version it expects, and its row count tells whether the change won.
 *
 * <p>Seat statements select rows by {@code label = ANY(...)} on the seat primary key, so that
 * concurrent transactions lock seats in the same (index) order and do not deadlock each other.
 */
@Singleton
public class BookingRepository {

    private static final String CLAIM_SEATS = """
            UPDATE seat
               SET status = 'HELD', booking_id = $3, version = version + 1
             WHERE show_id = $1
               AND label = ANY ($2)
               AND status = 'AVAILABLE'
               AND version = ($4::bigint[])[array_position($2, label)]
            RETURNING label
            """;

    private static final String INSERT_HELD = """
            WITH held AS (
                INSERT INTO booking (id, show_id, customer_id, status, seats, expires_at, created_at, updated_at, version,
                                     total_cents, currency)
                VALUES ($1, $2, $3, 'HELD', $4, $5, $6, $6, 1, $7, $8)
            )
            INSERT INTO booking_seat (booking_id, show_id, label)
            SELECT $1, $2, unnest($4::text[])
            """;

    private static final String FIND_WITH_SEATS = """
            SELECT b.id, b.show_id, b.customer_id, b.status, b.seats, b.expires_at, b.payment_reference,
                   b.created_at, b.updated_at, b.version, b.total_cents, b.currency,
                   ARRAY(SELECT s.label FROM seat s
                          WHERE s.show_id = b.show_id AND s.label = ANY (b.seats) AND s.booking_id = b.id
                          ORDER BY s.label) AS owned_labels,
                   ARRAY(SELECT s.version FROM seat s
                          WHERE s.show_id = b.show_id AND s.label = ANY (b.seats) AND s.booking_id = b.id
                          ORDER BY s.label) AS owned_versions
              FROM booking b
             WHERE b.id = $1
            """;

    private static final String TRANSITION = """
            UPDATE booking
               SET status = $3, version = version + 1, updated_at = $4,
                   payment_reference = coalesce($5, payment_reference)
             WHERE id = $1 AND version = $2
            RETURNING version
            """;

    private static final String BOOK_SEATS = """
            UPDATE seat
               SET status = 'BOOKED', version = version + 1
             WHERE show_id = $1
               AND label = ANY ($2)
               AND booking_id = $3
               AND status = 'HELD'
               AND version = ($4::bigint[])[array_position($2, label)]
            RETURNING label
            """;

    private static final String RELEASE_SEATS = """
            WITH released AS (
                UPDATE seat
                   SET status = 'AVAILABLE', booking_id = NULL, version = version + 1
                 WHERE show_id = $1
                   AND label = ANY ($2)
                   AND booking_id = $3
                   AND version = ($4::bigint[])[array_position($2, label)]
                RETURNING label
            ), unclaimed AS (
                UPDATE booking_seat SET live = false
                 WHERE booking_id = $3 AND live
            )
            SELECT count(*) AS released FROM released
            """;

    // A change that keeps the status but must still order after every earlier event of the
    // booking (a refund request): the version moves on, conditionally, like any other change.
    private static final String TOUCH = """
            UPDATE booking
               SET version = version + 1, updated_at = $3
             WHERE id = $1 AND version = $2
            RETURNING version
            """;

    private static final String EXPIRED_HOLDS = """
            SELECT id
              FROM booking
             WHERE status = 'HELD' AND expires_at <= $1
             ORDER BY expires_at
             LIMIT $2
            """;

    private static final String LIVE_OF_SHOW = """
            SELECT id, show_id, customer_id, status, seats, expires_at, payment_reference, created_at, updated_at,
                   version, total_cents, currency
              FROM booking
             WHERE show_id = $1 AND status IN ('HELD', 'CONFIRMED')
             ORDER BY id
             LIMIT $2
            """;

    // Only for a booking whose row this transaction has just updated (and so holds locked): no
    // other change of its seats can interleave, so the seats it owns are released without
    // naming their versions.
    private static final String RELEASE_OWNED_SEATS = """
            WITH released AS (
                UPDATE seat
                   SET status = 'AVAILABLE', booking_id = NULL, version = version + 1
                 WHERE show_id = $1 AND label = ANY ($2) AND booking_id = $3
                RETURNING label
            ), unclaimed AS (
                UPDATE booking_seat SET live = false
                 WHERE booking_id = $3 AND live
            )
            SELECT count(*) AS released FROM released
            """;

    private final Pool pool;

    public BookingRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Moves the named seats from AVAILABLE to HELD for {@code bookingId}, each only if it still
     * has the version read before. Returns the labels that were claimed; fewer than asked means
     * the hold lost and the caller must roll back.
     */
    public Uni<List<String>> claimSeats(SqlConnection tx, UUID showId, List<String> labels, List<Long> versions,
            UUID bookingId) {
        return tx.preparedQuery(CLAIM_SEATS)
                .execute(Tuple.of(showId, labels.toArray(String[]::new), bookingId, versions.toArray(Long[]::new)))
                .map(rows -> {
                    List<String> claimed = new ArrayList<>(rows.size());
                    rows.forEach(row -> claimed.add(row.getString("label")));
                    return claimed;
                });
    }

    /** Inserts a new HELD booking (with its frozen total) and its live seat claims. */
    public Uni<Void> insertHeld(SqlConnection tx, Booking booking) {
        return tx.preparedQuery(INSERT_HELD)
                .execute(Tuple.tuple(List.of(booking.id, booking.showId, booking.customerId,
                        booking.seats.toArray(String[]::new), Timestamps.utc(booking.expiresAt),
                        Timestamps.utc(booking.createdAt), booking.totalCents, booking.currency)))
                .replaceWithVoid();
    }

    /** The booking with the seats it owns now, or empty if there is no such booking. */
    public Uni<Optional<BookingSnapshot>> findWithSeats(UUID bookingId) {
        return pool.preparedQuery(FIND_WITH_SEATS).execute(Tuple.of(bookingId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toSnapshot(rows.iterator().next())));
    }

    /**
     * Moves the booking to {@code next} if it still has the snapshot's version. Returns the new
     * version, or empty if another change won.
     */
    public Uni<Optional<Long>> transition(SqlConnection tx, Booking booking, BookingStatus next, Instant at,
            String paymentReference) {
        return tx.preparedQuery(TRANSITION)
                .execute(Tuple.of(booking.id, booking.version, next.name(), Timestamps.utc(at), paymentReference))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next().getLong("version")));
    }

    /**
     * Bumps the booking's version without changing its state, if it still has the version read
     * before. Returns the new version, or empty if another change won.
     */
    public Uni<Optional<Long>> touch(SqlConnection tx, Booking booking, Instant at) {
        return tx.preparedQuery(TOUCH)
                .execute(Tuple.of(booking.id, booking.version, Timestamps.utc(at)))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next().getLong("version")));
    }

    /** Moves the snapshot's seats from HELD to BOOKED; returns how many moved. */
    public Uni<Integer> bookSeats(SqlConnection tx, BookingSnapshot snapshot) {
        Booking booking = snapshot.booking();
        return tx.preparedQuery(BOOK_SEATS)
                .execute(Tuple.of(booking.showId, snapshot.ownedSeats().toArray(String[]::new), booking.id,
                        snapshot.ownedSeatVersions().toArray(Long[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** Gives the snapshot's seats back (AVAILABLE) and ends the booking's seat claims. */
    public Uni<Integer> releaseSeats(SqlConnection tx, BookingSnapshot snapshot) {
        Booking booking = snapshot.booking();
        return tx.preparedQuery(RELEASE_SEATS)
                .execute(Tuple.of(booking.showId, snapshot.ownedSeats().toArray(String[]::new), booking.id,
                        snapshot.ownedSeatVersions().toArray(Long[]::new)))
                .map(rows -> rows.iterator().next().getInteger("released"));
    }

    /** Ids of HELD bookings whose hold ran out at {@code now}, oldest first. */
    public Uni<List<UUID>> findExpiredHolds(Instant now, int limit) {
        return pool.preparedQuery(EXPIRED_HOLDS).execute(Tuple.of(Timestamps.utc(now), limit))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>(rows.size());
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    /** Up to {@code limit} live (HELD or CONFIRMED) bookings of the show, in id order. */
    public Uni<List<Booking>> liveOfShow(UUID showId, int limit) {
        return pool.preparedQuery(LIVE_OF_SHOW).execute(Tuple.of(showId, limit)).map(rows -> {
            List<Booking> live = new ArrayList<>(rows.size());
            rows.forEach(row -> live.add(toBooking(row)));
            return live;
        });
    }

    /**
     * Gives back the seats the booking owns, whatever their versions. Only for a booking this
     * transaction has just changed with a conditional update (its row is locked until commit).
     */
    public Uni<Integer> releaseOwnedSeats(SqlConnection tx, Booking booking) {
        return tx.preparedQuery(RELEASE_OWNED_SEATS)
                .execute(Tuple.of(booking.showId, booking.seats.toArray(String[]::new), booking.id))
                .map(rows -> rows.iterator().next().getInteger("released"));
    }

    private static BookingSnapshot toSnapshot(Row row) {
        return new BookingSnapshot(toBooking(row), Arrays.asList(row.getArrayOfStrings("owned_labels")),
                Arrays.asList(row.getArrayOfLongs("owned_versions")));
    }

    private static Booking toBooking(Row row) {
        return new Booking(
                row.getUUID("id"),
                row.getUUID("show_id"),
                row.getString("customer_id"),
                BookingStatus.valueOf(row.getString("status")),
                Arrays.asList(row.getArrayOfStrings("seats")),
                Timestamps.instant(row.getOffsetDateTime("expires_at")),
                row.getString("payment_reference"),
                Timestamps.instant(row.getOffsetDateTime("created_at")),
                Timestamps.instant(row.getOffsetDateTime("updated_at")),
                row.getLong("version"),
                row.getLong("total_cents"),
                row.getString("currency"));
    }
}
