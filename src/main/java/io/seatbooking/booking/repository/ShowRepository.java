package io.seatbooking.booking.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatCounts;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.Show;
import io.seatbooking.db.Timestamps;
import io.seatbooking.db.Where;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Shows and their seats, in SQL. Every change of a show is a conditional version update. */
@Singleton
public class ShowRepository {

    private static final String SHOW_COLUMNS = """
            id, title, starts_at, capacity, created_at, sales_start, sales_end, currency, cancelled_at, version,
            updated_at""";

    private static final String INSERT_SHOW = """
            INSERT INTO show (id, title, starts_at, capacity, created_at, sales_start, sales_end, currency, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5)
            """;

    private static final String INSERT_SEATS = """
            INSERT INTO seat (show_id, label, position, category, price_cents)
            SELECT $1, label, position::integer, category, price_cents
              FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS s(label, category, price_cents, position)
            """;

    private static final String FIND_SHOW = "SELECT " + SHOW_COLUMNS + " FROM show WHERE id = $1";

    private static final String COUNT_SEATS = """
            SELECT count(*) FILTER (WHERE status = 'AVAILABLE') AS available,
                   count(*) FILTER (WHERE status = 'HELD')      AS held,
                   count(*) FILTER (WHERE status = 'BOOKED')    AS booked
              FROM seat
             WHERE show_id = $1
            """;

    private static final String SEAT_MAP = """
            SELECT label, status, version, category, price_cents
              FROM seat
             WHERE show_id = $1
             ORDER BY position
            """;

    // A hold's read in one round trip: the show, and the asked seats that exist (one row each; one
    // row with null seat columns when none does; no row when the show does not exist).
    private static final String FIND_SHOW_WITH_SEATS = "SELECT " + SHOW_COLUMNS + """
            , seat_label, seat_status, seat_version, seat_category, seat_price_cents
              FROM show
              LEFT JOIN LATERAL (SELECT label AS seat_label, status AS seat_status, version AS seat_version,
                                        category AS seat_category, price_cents AS seat_price_cents
                                   FROM seat
                                  WHERE seat.show_id = show.id AND seat.label = ANY ($2)) AS asked ON true
             WHERE id = $1
            """;

    private static final String UPDATE_SHOW = """
            UPDATE show
               SET title = $3, starts_at = $4, sales_start = $5, sales_end = $6, updated_at = $7,
                   version = version + 1
             WHERE id = $1 AND version = $2 AND cancelled_at IS NULL
            RETURNING version
            """;

    private static final String CANCEL_SHOW = """
            UPDATE show
               SET cancelled_at = $3, updated_at = $3, version = version + 1
             WHERE id = $1 AND version = $2 AND cancelled_at IS NULL
            RETURNING version
            """;

    private static final String PENDING_CANCELLATIONS = """
            SELECT id
              FROM show
             WHERE cancelled_at IS NOT NULL AND cancellation_done_at IS NULL
             ORDER BY cancelled_at
             LIMIT $1
            """;

    // Done only when no live booking is left and the cancellation has settled: a hold that read
    // the show before it was cancelled and commits just after is still found by a later batch.
    private static final String FINISH_CANCELLATION = """
            UPDATE show
               SET cancellation_done_at = $2
             WHERE id = $1 AND cancellation_done_at IS NULL AND cancelled_at <= $3
               AND NOT EXISTS (SELECT 1 FROM booking
                                WHERE show_id = $1 AND status IN ('HELD', 'CONFIRMED'))
            """;

    private final Pool pool;

    public ShowRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the show and its seats; {@code seats} carry their categories and prices. */
    public Uni<Void> insert(SqlConnection tx, Show show, List<Seat> seats) {
        return tx.preparedQuery(INSERT_SHOW)
                .execute(Tuple.tuple(List.of(show.id(), show.title(), Timestamps.utc(show.startsAt()),
                        show.capacity(), Timestamps.utc(show.createdAt()))).addValue(utcOrNull(show.salesStart()))
                        .addValue(utcOrNull(show.salesEnd())).addString(show.currency()))
                .chain(() -> tx.preparedQuery(INSERT_SEATS).execute(Tuple.of(show.id(),
                        seats.stream().map(Seat::label).toArray(String[]::new),
                        seats.stream().map(Seat::category).toArray(String[]::new),
                        seats.stream().map(Seat::priceCents).toArray(Long[]::new))))
                .replaceWithVoid();
    }

    public Uni<Optional<Show>> find(UUID showId) {
        return pool.preparedQuery(FIND_SHOW).execute(Tuple.of(showId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toShow(rows.iterator().next())));
    }

    /**
     * One page of the catalogue, ordered by start; a null filter does not restrict.
     *
     * @param titleContains a fragment of the title, matched case-insensitively as plain text
     */
    public Uni<List<Show>> catalogue(Instant from, Instant to, String titleContains, int limit, long offset) {
        Where where = catalogueFilter(from, to, titleContains);
        String sql = "SELECT " + SHOW_COLUMNS + " FROM show" + where.sql + " ORDER BY starts_at, id LIMIT "
                + where.next(limit) + " OFFSET " + where.next(offset);
        return pool.preparedQuery(sql).execute(where.params)
                .map(rows -> {
                    List<Show> shows = new ArrayList<>(rows.size());
                    rows.forEach(row -> shows.add(toShow(row)));
                    return shows;
                });
    }

    /** How many shows match the catalogue filter. */
    public Uni<Long> countCatalogue(Instant from, Instant to, String titleContains) {
        Where where = catalogueFilter(from, to, titleContains);
        return pool.preparedQuery("SELECT count(*) AS total FROM show" + where.sql).execute(where.params)
                .map(rows -> rows.iterator().next().getLong("total"));
    }

    public Uni<SeatCounts> countSeats(UUID showId) {
        return pool.preparedQuery(COUNT_SEATS).execute(Tuple.of(showId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new SeatCounts(row.getInteger("available"), row.getInteger("held"),
                            row.getInteger("booked"));
                });
    }

    /** The whole seat map in display order; empty if the show does not exist. */
    public Uni<List<Seat>> seatMap(UUID showId) {
        return pool.preparedQuery(SEAT_MAP).execute(Tuple.of(showId)).map(ShowRepository::toSeats);
    }

    /**
     * The show and those of {@code labels} that are its seats, as they are now (states, versions,
     * prices), in one statement; empty if there is no such show.
     */
    public Uni<Optional<ShowWithSeats>> findWithSeats(UUID showId, List<String> labels) {
        return pool.preparedQuery(FIND_SHOW_WITH_SEATS).execute(Tuple.of(showId, labels.toArray(String[]::new)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Show show = null;
                    List<Seat> seats = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        show = show == null ? toShow(row) : show;
                        if (row.getString("seat_label") != null) {
                            seats.add(toSeat(row, "seat_"));
                        }
                    }
                    return Optional.of(new ShowWithSeats(show, seats));
                });
    }

    /**
     * Changes title and times if the show still has {@code show}'s version and is not cancelled.
     * Returns the new version, or empty if another change won.
     */
    public Uni<Optional<Long>> update(SqlConnection tx, Show show, Show changed) {
        return tx.preparedQuery(UPDATE_SHOW)
                .execute(Tuple.tuple(List.of(show.id(), show.version(), changed.title(),
                        Timestamps.utc(changed.startsAt()))).addValue(utcOrNull(changed.salesStart()))
                        .addValue(utcOrNull(changed.salesEnd())).addValue(Timestamps.utc(changed.updatedAt())))
                .map(ShowRepository::newVersion);
    }

    /** Cancels the show if it still has {@code show}'s version. Returns the new version, or empty. */
    public Uni<Optional<Long>> cancel(SqlConnection tx, Show show, Instant at) {
        return tx.preparedQuery(CANCEL_SHOW).execute(Tuple.of(show.id(), show.version(), Timestamps.utc(at)))
                .map(ShowRepository::newVersion);
    }

    /** Cancelled shows whose bookings may not all be cancelled yet, oldest cancellation first. */
    public Uni<List<UUID>> pendingCancellations(int limit) {
        return pool.preparedQuery(PENDING_CANCELLATIONS).execute(Tuple.of(limit)).map(rows -> {
            List<UUID> ids = new ArrayList<>(rows.size());
            rows.forEach(row -> ids.add(row.getUUID("id")));
            return ids;
        });
    }

    /**
     * Marks the show's cancellation done if it has no live booking left and was cancelled at or
     * before {@code settledBefore}. Answers whether it did.
     */
    public Uni<Boolean> finishCancellation(UUID showId, Instant now, Instant settledBefore) {
        return pool.preparedQuery(FINISH_CANCELLATION)
                .execute(Tuple.of(showId, Timestamps.utc(now), Timestamps.utc(settledBefore)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The catalogue's filter with only the conditions asked for: the request pool plans each
     * statement once (docs/decisions.md, "Plans"), and one statement with every condition optional
     * ({@code $1 IS NULL OR starts_at >= $1}) would have a single plan that can use no index.
     * Each combination is a statement of its own, with a plan for what it asks.
     */
    private static Where catalogueFilter(Instant from, Instant to, String titleContains) {
        Where where = new Where();
        where.add("starts_at >= $", utcOrNull(from));
        where.add("starts_at < $", utcOrNull(to));
        where.add("title ILIKE $", titleContains == null ? null : "%" + escapeLike(titleContains) + "%");
        return where;
    }

    /** The fragment as plain text for ILIKE: its wildcards and the escape character matched literally. */
    static String escapeLike(String fragment) {
        return fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Object utcOrNull(Instant instant) {
        return instant == null ? null : Timestamps.utc(instant);
    }

    private static Optional<Long> newVersion(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("version"));
    }

    private static List<Seat> toSeats(RowSet<Row> rows) {
        List<Seat> seats = new ArrayList<>(rows.size());
        for (Row row : rows) {
            seats.add(toSeat(row, ""));
        }
        return seats;
    }

    /** The seat in {@code row}'s columns whose names start with {@code prefix}. */
    private static Seat toSeat(Row row, String prefix) {
        return new Seat(row.getString(prefix + "label"), SeatStatus.valueOf(row.getString(prefix + "status")),
                row.getLong(prefix + "version"), row.getString(prefix + "category"),
                row.getLong(prefix + "price_cents"));
    }

    private static Show toShow(Row row) {
        return new Show(row.getUUID("id"), row.getString("title"), Timestamps.instant(row.getOffsetDateTime("starts_at")),
                row.getInteger("capacity"), Timestamps.instant(row.getOffsetDateTime("created_at")),
                instantOrNull(row, "sales_start"), instantOrNull(row, "sales_end"), row.getString("currency"),
                instantOrNull(row, "cancelled_at"), row.getLong("version"),
                Timestamps.instant(row.getOffsetDateTime("updated_at")));
    }

    private static Instant instantOrNull(Row row, String column) {
        return row.getOffsetDateTime(column) == null ? null : Timestamps.instant(row.getOffsetDateTime(column));
    }
}
