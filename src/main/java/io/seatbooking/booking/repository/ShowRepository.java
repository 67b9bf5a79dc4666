package io.seatbooking.booking.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatCounts;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.Show;
import io.seatbooking.db.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Shows and their seats, in SQL. */
@ApplicationScoped
public class ShowRepository {

    private static final String INSERT_SHOW = """
            INSERT INTO show (id, title, starts_at, capacity, created_at)
            VALUES ($1, $2, $3, $4, $5)
            """;

    private static final String INSERT_SEATS = """
            INSERT INTO seat (show_id, label, position)
            SELECT $1, label, position::integer
              FROM unnest($2::text[]) WITH ORDINALITY AS s(label, position)
            """;

    private static final String FIND_SHOW = """
            SELECT id, title, starts_at, capacity, created_at
              FROM show
             WHERE id = $1
            """;

    private static final String COUNT_SEATS = """
            SELECT count(*) FILTER (WHERE status = 'AVAILABLE') AS available,
                   count(*) FILTER (WHERE status = 'HELD')      AS held,
                   count(*) FILTER (WHERE status = 'BOOKED')    AS booked
              FROM seat
             WHERE show_id = $1
            """;

    private static final String SEAT_MAP = """
            SELECT label, status, version
              FROM seat
             WHERE show_id = $1
             ORDER BY position
            """;

    private static final String FIND_SEATS = """
            SELECT label, status, version
              FROM seat
             WHERE show_id = $1 AND label = ANY ($2)
            """;

    private final Pool pool;

    public ShowRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(SqlConnection tx, Show show, List<String> labels) {
        return tx.preparedQuery(INSERT_SHOW)
                .execute(Tuple.of(show.id(), show.title(), Timestamps.utc(show.startsAt()), show.capacity(),
                        Timestamps.utc(show.createdAt())))
                .chain(() -> tx.preparedQuery(INSERT_SEATS).execute(Tuple.of(show.id(), labels.toArray(String[]::new))))
                .replaceWithVoid();
    }

    public Uni<Optional<Show>> find(UUID showId) {
        return pool.preparedQuery(FIND_SHOW).execute(Tuple.of(showId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toShow(rows.iterator().next())));
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

    /** The named seats that exist, in no particular order. */
    public Uni<List<Seat>> findSeats(UUID showId, List<String> labels) {
        return pool.preparedQuery(FIND_SEATS).execute(Tuple.of(showId, labels.toArray(String[]::new)))
                .map(ShowRepository::toSeats);
    }

    private static List<Seat> toSeats(RowSet<Row> rows) {
        List<Seat> seats = new ArrayList<>(rows.size());
        for (Row row : rows) {
            seats.add(new Seat(row.getString("label"), SeatStatus.valueOf(row.getString("status")),
                    row.getLong("version")));
        }
        return seats;
    }

    private static Show toShow(Row row) {
        return new Show(row.getUUID("id"), row.getString("title"), row.getOffsetDateTime("starts_at").toInstant(),
                row.getInteger("capacity"), row.getOffsetDateTime("created_at").toInstant());
    }
}
