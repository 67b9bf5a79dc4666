package io.seatbooking.queue.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.seatbooking.queue.Room;
import io.seatbooking.queue.Ticket;
import io.seatbooking.queue.TicketState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The waiting room's statements. Joins and admissions are decided by the database: one ticket per
 * customer and show (the primary key), one customer per position (a unique index), and one
 * admitter at a time per room (the room row's lock, taken with {@code SKIP LOCKED}).
 */
@Singleton
public class WaitingRoomRepository {

    private static final String ROOM_COLUMNS = """
            show_id, opens_at, opened_at, closed_at, last_position, admitted_up_to, last_tick_at, admission_rate""";
    private static final String TICKET_COLUMNS = """
            show_id, customer_id, coalesce(position, 0) AS position, draw, state, joined_at, admitted_at, last_active_at""";

    // The opening may move until the room opened; afterwards the row is left as it is (no row answered).
    private static final String UPSERT_ROOM = """
            INSERT INTO waiting_room (show_id, opens_at) SELECT id, $2 FROM show WHERE id = $1
            ON CONFLICT (show_id) DO UPDATE SET opens_at = excluded.opens_at WHERE waiting_room.opened_at IS NULL
            RETURNING %s""".formatted(ROOM_COLUMNS);
    private static final String FIND_ROOM = "SELECT %s FROM waiting_room WHERE show_id = $1".formatted(ROOM_COLUMNS);
    private static final String FIND_TICKET = """
            SELECT %s FROM queue_ticket WHERE show_id = $1 AND customer_id = $2""".formatted(TICKET_COLUMNS);
    // A join inserts its ticket without a position, whether the room opened or not: joins never
    // touch the room row, which the admitter's tick holds. A repeat changes nothing (no row answered).
    private static final String JOIN = """
            INSERT INTO queue_ticket (show_id, customer_id, draw)
            SELECT show_id, $2, $3 FROM waiting_room WHERE show_id = $1 AND closed_at IS NULL
            ON CONFLICT (show_id, customer_id) DO NOTHING
            RETURNING %s""".formatted(TICKET_COLUMNS);
    // The pre-queue before the opening (the partial index of the unranked tickets).
    private static final String COUNT_UNRANKED = """
            SELECT count(*) AS unranked FROM queue_ticket WHERE show_id = $1 AND position IS NULL""";
    // The ranked positions after $2, in position order (the unique index), a page at a time.
    private static final String POSITIONS = """
            SELECT customer_id, position FROM queue_ticket
             WHERE show_id = $1 AND position > $2 ORDER BY position LIMIT $3""";
    private static final String ROOMS_DUE = """
            SELECT show_id FROM waiting_room WHERE closed_at IS NULL AND opens_at <= now()""";
    // NO KEY UPDATE, not UPDATE: a join's insert checks its foreign key to this row with FOR KEY
    // SHARE, which FOR UPDATE would block for the whole tick; two ticks still exclude each other.
    private static final String LOCK_ROOM = """
            SELECT %s, now() AS db_now FROM waiting_room
             WHERE show_id = $1 AND closed_at IS NULL AND opens_at <= now()
               FOR NO KEY UPDATE SKIP LOCKED""".formatted(ROOM_COLUMNS);
    // Ranks every ticket without a position after the positions given out: at the opening the whole
    // pre-queue in the order of its random draws ($3), afterwards the new joins in arrival order.
    private static final String RANK_UNRANKED = """
            WITH ranked AS (SELECT customer_id,
                                   row_number() OVER (ORDER BY CASE WHEN $3 THEN draw END, arrival) AS n
                              FROM queue_ticket WHERE show_id = $1 AND position IS NULL),
                 placed AS (UPDATE queue_ticket t SET position = $2 + ranked.n
                              FROM ranked WHERE t.show_id = $1 AND t.customer_id = ranked.customer_id
                         RETURNING t.position)
            SELECT coalesce(max(position), $2) AS last_position, count(*) AS ranked FROM placed""";
    private static final String EXPIRE_IDLE = """
            UPDATE queue_ticket SET state = 'EXPIRED'
             WHERE show_id = $1 AND state = 'ADMITTED' AND last_active_at < now() - $2 * interval '1 millisecond'""";
    private static final String COUNT_ADMITTED = """
            SELECT count(*) AS admitted FROM queue_ticket WHERE show_id = $1 AND state = 'ADMITTED'""";
    private static final String COUNT_SEATS = """
            SELECT count(*) FILTER (WHERE status = 'AVAILABLE') AS available,
                   count(*) FILTER (WHERE status <> 'BOOKED') AS unsold
              FROM seat WHERE show_id = $1""";
    private static final String ADMIT = """
            UPDATE queue_ticket SET state = 'ADMITTED', admitted_at = now(), last_active_at = now()
             WHERE show_id = $1 AND position > $2 AND position <= $3 AND state = 'WAITING'
            RETURNING joined_at, admitted_at""";
    private static final String ADVANCE = """
            UPDATE waiting_room
               SET opened_at = coalesce(opened_at, now()), last_position = $2, admitted_up_to = $3,
                   last_tick_at = $4, admission_rate = $5, closed_at = CASE WHEN $6 THEN now() END
             WHERE show_id = $1""";
    // A hold uses the admission: only while it is admitted and not idle too long; using it keeps it alive.
    private static final String USE_ADMISSION = """
            UPDATE queue_ticket SET last_active_at = now()
             WHERE show_id = $1 AND customer_id = $2 AND state = 'ADMITTED' AND position = $3
               AND last_active_at >= now() - $4 * interval '1 millisecond'""";
    private static final String FINISH_ADMISSION = """
            UPDATE queue_ticket SET state = 'DONE'
             WHERE show_id = $1 AND customer_id = $2 AND state = 'ADMITTED'""";

    /** What one admitter tick found under the room's lock. */
    public record LockedRoom(Room room, Instant now) {
    }

    /** A customer and the position the ranking gave them. */
    public record Ranked(String customerId, long position) {
    }

    /** Admitted tickets: when each joined and was admitted. */
    public record Admitted(Instant joinedAt, Instant admittedAt) {
    }

    /** A room's seats: still available, and not yet booked (available or held). */
    public record Seats(int available, int unsold) {
    }

    private final Pool pool;

    public WaitingRoomRepository(Pool pool) {
        this.pool = pool;
    }

    /** Creates the room or moves its opening; empty when the show does not exist or the room already opened. */
    public Uni<Optional<Room>> upsert(UUID showId, Instant opensAt) {
        return pool.preparedQuery(UPSERT_ROOM).execute(Tuple.of(showId, Timestamps.utc(opensAt)))
                .map(rows -> first(rows).map(WaitingRoomRepository::room));
    }

    public Uni<Optional<Room>> find(UUID showId) {
        return pool.preparedQuery(FIND_ROOM).execute(Tuple.of(showId))
                .map(rows -> first(rows).map(WaitingRoomRepository::room));
    }

    public Uni<Optional<Ticket>> ticket(UUID showId, String customerId) {
        return pool.preparedQuery(FIND_TICKET).execute(Tuple.of(showId, customerId))
                .map(rows -> first(rows).map(WaitingRoomRepository::ticket));
    }

    /**
     * Puts the customer in line with {@code draw} (what ranks the pre-queue at the opening); answers
     * the new ticket, or empty when the customer already had one or the room closed.
     */
    public Uni<Optional<Ticket>> join(UUID showId, String customerId, long draw) {
        return pool.preparedQuery(JOIN).execute(Tuple.of(showId, customerId, draw))
                .map(rows -> first(rows).map(WaitingRoomRepository::ticket));
    }

    /** How many customers are in line without a position: before the opening, the whole pre-queue. */
    public Uni<Long> countUnranked(UUID showId) {
        return pool.preparedQuery(COUNT_UNRANKED).execute(Tuple.of(showId))
                .map(rows -> rows.iterator().next().getLong("unranked"));
    }

    /** Up to {@code limit} ranked customers after {@code after}, in position order. */
    public Uni<List<Ranked>> positions(UUID showId, long after, int limit) {
        return pool.preparedQuery(POSITIONS).execute(Tuple.of(showId, after, limit)).map(rows -> {
            List<Ranked> ranked = new ArrayList<>(rows.size());
            rows.forEach(r -> ranked.add(new Ranked(r.getString("customer_id"), r.getLong("position"))));
            return ranked;
        });
    }

    public Uni<List<UUID>> roomsDue() {
        return pool.query(ROOMS_DUE).execute().map(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(r -> ids.add(r.getUUID("show_id")));
            return ids;
        });
    }

    /** Locks an open room for one tick; empty when it is not due, or another replica has it now. */
    public Uni<Optional<LockedRoom>> lock(SqlConnection tx, UUID showId) {
        return tx.preparedQuery(LOCK_ROOM).execute(Tuple.of(showId)).map(rows -> first(rows)
                .map(r -> new LockedRoom(room(r), Timestamps.instant(r.getOffsetDateTime("db_now")))));
    }

    /**
     * Ranks the tickets without a position after {@code lastPosition}, by their draws at the
     * {@code opening}, otherwise in arrival order; answers the new last position.
     */
    public Uni<Long> rankUnranked(SqlConnection tx, UUID showId, long lastPosition, boolean opening) {
        return tx.preparedQuery(RANK_UNRANKED).execute(Tuple.of(showId, lastPosition, opening))
                .map(rows -> rows.iterator().next().getLong("last_position"));
    }

    /** Expires the admissions idle for longer than {@code idle}; answers how many. */
    public Uni<Integer> expireIdle(SqlConnection tx, UUID showId, Duration idle) {
        return tx.preparedQuery(EXPIRE_IDLE).execute(Tuple.of(showId, interval(idle))).map(RowSet::rowCount);
    }

    public Uni<Integer> countAdmitted(SqlConnection tx, UUID showId) {
        return tx.preparedQuery(COUNT_ADMITTED).execute(Tuple.of(showId))
                .map(rows -> rows.iterator().next().getLong("admitted").intValue());
    }

    public Uni<Seats> seats(SqlConnection tx, UUID showId) {
        return tx.preparedQuery(COUNT_SEATS).execute(Tuple.of(showId)).map(rows -> {
            Row r = rows.iterator().next();
            return new Seats(r.getLong("available").intValue(), r.getLong("unsold").intValue());
        });
    }

    /** Admits the waiting tickets at positions in ({@code after}, {@code upTo}]. */
    public Uni<List<Admitted>> admit(SqlConnection tx, UUID showId, long after, long upTo) {
        return tx.preparedQuery(ADMIT).execute(Tuple.of(showId, after, upTo)).map(rows -> {
            List<Admitted> admitted = new ArrayList<>(rows.rowCount());
            rows.forEach(r -> admitted.add(new Admitted(Timestamps.instant(r.getOffsetDateTime("joined_at")),
                    Timestamps.instant(r.getOffsetDateTime("admitted_at")))));
            return admitted;
        });
    }

    public Uni<Void> advance(SqlConnection tx, UUID showId, long lastPosition, long admittedUpTo,
            Instant budgetSpentUpTo, double rate, boolean close) {
        return tx.preparedQuery(ADVANCE).execute(Tuple.from(List.of(showId, lastPosition, admittedUpTo,
                Timestamps.utc(budgetSpentUpTo), rate, close))).replaceWithVoid();
    }

    /** Uses the caller's admission for a hold in {@code tx}; answers whether it was valid. */
    public Uni<Boolean> useAdmission(SqlConnection tx, UUID showId, String customerId, long position, Duration idle) {
        return tx.preparedQuery(USE_ADMISSION).execute(Tuple.of(showId, customerId, position, interval(idle)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The customer's booking was confirmed: the admission ends and frees its slot. */
    public Uni<Void> finishAdmission(SqlConnection tx, UUID showId, String customerId) {
        return tx.preparedQuery(FINISH_ADMISSION).execute(Tuple.of(showId, customerId)).replaceWithVoid();
    }

    private static long interval(Duration d) {
        return d.toMillis();
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    private static Room room(Row r) {
        return new Room(r.getUUID("show_id"), Timestamps.instant(r.getOffsetDateTime("opens_at")),
                Timestamps.instant(r.getOffsetDateTime("opened_at")), Timestamps.instant(r.getOffsetDateTime("closed_at")),
                r.getLong("last_position"), r.getLong("admitted_up_to"),
                Timestamps.instant(r.getOffsetDateTime("last_tick_at")), r.getDouble("admission_rate"));
    }

    private static Ticket ticket(Row r) {
        return new Ticket(r.getUUID("show_id"), r.getString("customer_id"), r.getLong("position"), r.getLong("draw"),
                TicketState.valueOf(r.getString("state")), Timestamps.instant(r.getOffsetDateTime("joined_at")),
                Timestamps.instant(r.getOffsetDateTime("admitted_at")),
                Timestamps.instant(r.getOffsetDateTime("last_active_at")));
    }
}
