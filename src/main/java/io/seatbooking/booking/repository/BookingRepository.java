package io.seatbooking.booking.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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

    // The hold in one statement: each seat moves AVAILABLE to HELD only if it still has the version
    // read before, and the booking and its live seat claims are inserted only if every seat moved.
    // When fewer moved, the caller rolls back (the moved seats with it).
    private static final String HOLD_SEATS = """
            WITH claimed AS (
                UPDATE seat
                   SET status = 'HELD', booking_id = $3, version = version + 1
                 WHERE show_id = $1
                   AND label = ANY ($2::text[])
                   AND status = 'AVAILABLE'
                   AND version = ($4::bigint[])[array_position($2::text[], label)]
                RETURNING label
            ), complete AS (
                SELECT count(*) = cardinality($2::text[]) AS every_seat FROM claimed
            ), held AS (
                INSERT INTO booking (id, show_id, customer_id, status, seats, expires_at, created_at, updated_at, version,
                                     total_cents, currency)
                SELECT $3::uuid, $1::uuid, $5::text, 'HELD', $2::text[], $6::timestamptz, $7::timestamptz,
                       $7::timestamptz, 1, $8::bigint, $9::text
                  FROM complete WHERE every_seat
            ), claims AS (
                INSERT INTO booking_seat (booking_id, show_id, label)
                SELECT $3::uuid, $1::uuid, unnest($2::text[]) FROM complete WHERE every_seat
            )
            SELECT label FROM claimed
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

    // The confirm in one statement: the booking moves on if it still has the version read, and only
    // then (the EXISTS is a one-time filter, evaluated before the seats are scanned, so the booking
    // row is locked first, as in every change of a booking) its seats move HELD to BOOKED, each if it
    // still has the version read.
    private static final String CONFIRM = """
            WITH confirmed AS (
                UPDATE booking
                   SET status = 'CONFIRMED', version = version + 1, updated_at = $3,
                       payment_reference = coalesce($4, payment_reference)
                 WHERE id = $1 AND version = $2
                RETURNING version
            ), booked AS (
                UPDATE seat
                   SET status = 'BOOKED', version = version + 1
                 WHERE show_id = $5
                   AND label = ANY ($6::text[])
                   AND booking_id = $1
                   AND status = 'HELD'
                   AND version = ($7::bigint[])[array_position($6::text[], label)]
                   AND EXISTS (SELECT FROM confirmed)
                RETURNING label
            )
            SELECT (SELECT version FROM confirmed) AS version, (SELECT count(*) FROM booked) AS booked
            """;

    // The confirm of a request or a payment, without a read before it: the booking moves on only if
    // it is HELD, its hold has not run out, it is the caller's (customer null: any) at a version the
    // caller accepts (versions null: any) and, for a payment, the total the payment pays is the
    // booking's (total null: not asked). Its seats move HELD to BOOKED whatever their versions: the
    // booking's row is locked first (the seat scan's show and labels are one-time subqueries of the
    // booking's update, evaluated before the seats are scanned), and every change of a booking's
    // seats locks the booking first, so they cannot move under it. No row: the caller reads the
    // booking to say why.
    private static final String CONFIRM_HELD = """
            WITH confirmed AS (
                UPDATE booking
                   SET status = 'CONFIRMED', version = version + 1, updated_at = $2,
                       payment_reference = coalesce($3, payment_reference)
                 WHERE id = $1
                   AND status = 'HELD'
                   AND expires_at > $2
                   AND ($4::text IS NULL OR customer_id = $4)
                   AND ($5::bigint[] IS NULL OR version = ANY ($5))
                   AND ($6::bigint IS NULL OR (total_cents = $6 AND currency = $7))
                RETURNING id, show_id, customer_id, status, seats, expires_at, payment_reference, created_at,
                          updated_at, version, total_cents, currency
            ), booked AS (
                UPDATE seat
                   SET status = 'BOOKED', version = version + 1
                 WHERE show_id = (SELECT show_id FROM confirmed)
                   AND label = ANY ((SELECT seats FROM confirmed)::text[])
                   AND booking_id = $1
                   AND status = 'HELD'
                RETURNING label, version
            )
            SELECT c.*, ARRAY(SELECT label FROM booked ORDER BY label) AS owned_labels,
                   ARRAY(SELECT version FROM booked ORDER BY label) AS owned_versions
              FROM confirmed c
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
     * Holds {@code booking}'s seats for it: moves each from AVAILABLE to HELD if it still has the
     * version read before ({@code versions}, in the order of {@code booking.seats}) and, only if all
     * moved, inserts the HELD booking (with its frozen total) and its live seat claims. Returns the
     * labels that moved; fewer than asked means the hold lost and the caller must roll back.
     */
    public Uni<List<String>> holdSeats(SqlConnection tx, Booking booking, List<Long> versions) {
        return tx.preparedQuery(HOLD_SEATS)
                .execute(Tuple.tuple(List.of(booking.showId, booking.seats.toArray(String[]::new), booking.id,
                        versions.toArray(Long[]::new), booking.customerId, Timestamps.utc(booking.expiresAt),
                        Timestamps.utc(booking.createdAt), booking.totalCents, booking.currency)))
                .map(rows -> {
                    List<String> claimed = new ArrayList<>(rows.size());
                    rows.forEach(row -> claimed.add(row.getString("label")));
                    return claimed;
                });
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

    /**
     * Confirms the snapshot's booking: moves it to CONFIRMED if it still has the snapshot's version,
     * and its seats from HELD to BOOKED if each still has the snapshot's version. Returns the new
     * version, or empty if another change won: the booking moved on, or not every one of its seats
     * moved (then the caller must roll back).
     */
    public Uni<Optional<Long>> confirm(SqlConnection tx, BookingSnapshot snapshot, Instant at,
            String paymentReference) {
        Booking booking = snapshot.booking();
        return tx.preparedQuery(CONFIRM)
                .execute(Tuple.tuple(List.of(booking.id, booking.version, Timestamps.utc(at)))
                        .addString(paymentReference).addValue(booking.showId)
                        .addValue(snapshot.ownedSeats().toArray(String[]::new))
                        .addValue(snapshot.ownedSeatVersions().toArray(Long[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Long version = row.getLong("version");
                    return version != null && everySeatMoved(row.getLong("booked"), snapshot)
                            ? Optional.of(version) : Optional.empty();
                });
    }

    /**
     * What a confirm without a read before it requires of the booking besides being HELD with its
     * hold running; each null requires nothing.
     *
     * @param customerId the customer the booking must belong to
     * @param versions the versions it may have
     * @param totalCents the total it must have, with {@code currency}
     * @param currency the currency of that total
     */
    public record ConfirmIf(String customerId, Long[] versions, Long totalCents, String currency) {

        /** A request's confirm: the caller's booking at a version its {@code If-Match} accepts. */
        public static ConfirmIf requested(String customerId, Long[] versions) {
            return new ConfirmIf(customerId, versions, null, null);
        }

        /** A payment's confirm: any customer's booking, any version, whose total the payment pays. */
        public static ConfirmIf paid(long totalCents, String currency) {
            return new ConfirmIf(null, null, totalCents, Objects.requireNonNull(currency, "currency"));
        }
    }

    /**
     * Confirms a booking that was not read before: moves it to CONFIRMED if it is HELD, its hold
     * has not run out at {@code at} and it is as {@code conditions} require, and its seats from HELD
     * to BOOKED. Returns the booking as confirmed with its seats' new versions, or empty if it did
     * not move (nothing was written: read it to say why). A booking that moved with fewer seats than
     * it names ({@link #everySeatMoved}) must be rolled back by the caller.
     */
    public Uni<Optional<BookingSnapshot>> confirmHeld(SqlConnection tx, UUID bookingId, ConfirmIf conditions,
            Instant at, String paymentReference) {
        return tx.preparedQuery(CONFIRM_HELD)
                .execute(Tuple.tuple(Arrays.asList(bookingId, Timestamps.utc(at), paymentReference,
                        conditions.customerId(), conditions.versions(), conditions.totalCents(),
                        conditions.currency())))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toSnapshot(rows.iterator().next())));
    }

    /** Every seat of the booking moved; anything less means a concurrent change. */
    public static boolean everySeatMoved(long moved, BookingSnapshot snapshot) {
        return moved == snapshot.booking().seats.size() && moved == snapshot.ownedSeats().size();
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
