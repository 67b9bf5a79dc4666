package io.seatbooking.deadletter.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.seatbooking.db.Where;
import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterStatus;
import io.seatbooking.deadletter.FailedMessage;
import io.seatbooking.deadletter.FailureFingerprint;
import io.seatbooking.deadletter.LetterFilter;
import io.seatbooking.deadletter.ParkedMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The parking table {@code dead_letter}. */
@Singleton
public class DeadLetterRepository {

    private static final String COLUMNS = """
            id, message_id, source_queue, original_exchange, original_routing_key, reason, exception_summary,
            attempts, content_type, message_type, parked_at, status, resolved_at, resolved_by, replay_event_id,
            replay_of, octet_length(payload) AS payload_bytes, exception_type, failure_origin, resolved_by_job""";

    private static final String INSERT = """
            INSERT INTO dead_letter (id, parking_key, message_id, source_queue, original_exchange,
                                     original_routing_key, reason, exception_summary, attempts, content_type,
                                     message_type, headers, payload, replay_of, exception_type, failure_origin,
                                     fingerprint)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (parking_key) DO NOTHING
            """;

    static final String FULL_COLUMNS = COLUMNS + ", headers, payload";

    private static final String FIND = "SELECT " + FULL_COLUMNS + " FROM dead_letter WHERE id = $1";

    private static final String RESOLVE = """
            UPDATE dead_letter
               SET status = $2, resolved_at = clock_timestamp(), resolved_by = $3, replay_event_id = $4
             WHERE id = $1 AND status = 'PARKED'
            RETURNING""" + " " + COLUMNS + ", headers, payload";

    private static final String PARKED_STATS = """
            SELECT count(*) AS parked, min(parked_at) AS oldest FROM dead_letter WHERE status = 'PARKED'
            """;

    // Oldest resolved first, a bounded batch; a PARKED letter is never selected.
    private static final String PURGE_RESOLVED = """
            DELETE FROM dead_letter
             WHERE id IN (SELECT id FROM dead_letter
                           WHERE status <> 'PARKED' AND resolved_at < $1
                           ORDER BY resolved_at
                           LIMIT $2)
            """;

    private final Pool pool;

    public DeadLetterRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores the message; answers false if this dead-lettering was stored before. */
    public Uni<Boolean> park(ParkedMessage parked) {
        FailedMessage m = parked.message();
        // Arrays.asList, not List.of: most columns may be null.
        return pool.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(parked.id(), parked.parkingKey(),
                m.messageId(), m.sourceQueue(), m.originalExchange(), m.originalRoutingKey(), m.reason(),
                m.exceptionSummary(), m.attempts(), m.contentType(), m.messageType(), new JsonObject(m.headers()),
                Buffer.buffer(m.payload()), parked.replayOf(), parked.fingerprint().exceptionType(),
                parked.fingerprint().origin(), parked.fingerprint().id())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The letter with its headers and payload. */
    public Uni<Optional<DeadLetter>> find(UUID id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toLetter(rows.iterator().next(), true)));
    }

    /**
     * Closes a PARKED letter as {@code status} on the transaction's connection. Empty when the
     * letter does not exist or is not PARKED any more.
     */
    public Uni<Optional<DeadLetter>> resolve(SqlConnection tx, UUID id, DeadLetterStatus status, String by,
            UUID replayEventId) {
        return tx.preparedQuery(RESOLVE).execute(Tuple.of(id, status.name(), by, replayEventId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toLetter(rows.iterator().next(), true)));
    }

    /** One page, newest first; a null filter does not restrict. */
    public Uni<List<DeadLetter>> list(Filter filter, int page, int size) {
        Where where = where(filter);
        String sql = "SELECT " + COLUMNS + " FROM dead_letter" + where.sql
                + " ORDER BY parked_at DESC, id DESC LIMIT " + where.next(size) + " OFFSET " + where.next((long) page * size);
        return pool.preparedQuery(sql).execute(where.params).map(rows -> {
            List<DeadLetter> letters = new ArrayList<>(rows.size());
            rows.forEach(row -> letters.add(toLetter(row, false)));
            return letters;
        });
    }

    /** How many letters match the filter. */
    public Uni<Long> count(Filter filter) {
        Where where = where(filter);
        return pool.preparedQuery("SELECT count(*) AS total FROM dead_letter" + where.sql).execute(where.params)
                .map(rows -> rows.iterator().next().getLong("total"));
    }

    /** Parked (unresolved) letters: how many, and when the oldest was parked (null if none). */
    public Uni<ParkedStats> parkedStats() {
        return pool.query(PARKED_STATS).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new ParkedStats(row.getLong("parked"), Timestamps.instant(row.getOffsetDateTime("oldest")));
        });
    }

    /** Deletes up to {@code batchSize} REPLAYED or DISCARDED letters resolved before {@code before}. */
    public Uni<Integer> purgeResolved(Instant before, int batchSize) {
        return pool.preparedQuery(PURGE_RESOLVED).execute(Tuple.of(Timestamps.utc(before), batchSize))
                .map(rows -> rows.rowCount());
    }

    /**
     * A listing filter; null members do not restrict.
     *
     * @param group a failure fingerprint ({@link FailureFingerprint#id})
     * @param messageType the AMQP type, else the routing key, as the fingerprint has it
     */
    public record Filter(String reason, String routingKey, DeadLetterStatus status, Instant from, Instant to,
            String group, String messageType) {

        /** The PARKED letters a bulk job's filter selects. */
        public static Filter parked(LetterFilter f) {
            return new Filter(f.reason(), f.routingKey(), DeadLetterStatus.PARKED, f.from(), f.to(), f.group(),
                    f.messageType());
        }
    }

    /** See {@link #parkedStats()}. */
    public record ParkedStats(long parked, Instant oldest) {
    }

    static Where where(Filter filter) {
        Where where = new Where();
        where.add("reason = $", filter.reason());
        where.add("original_routing_key = $", filter.routingKey());
        where.add("status = $", filter.status() == null ? null : filter.status().name());
        where.add("parked_at >= $", Timestamps.utc(filter.from()));
        where.add("parked_at < $", Timestamps.utc(filter.to()));
        where.add("fingerprint = $", filter.group());
        where.add("coalesce(message_type, original_routing_key) = $", filter.messageType());
        return where;
    }

    static DeadLetter toLetter(Row row, boolean full) {
        FailedMessage message = new FailedMessage(
                row.getString("message_id"),
                row.getString("source_queue"),
                row.getString("original_exchange"),
                row.getString("original_routing_key"),
                row.getString("reason"),
                row.getString("exception_summary"),
                row.getInteger("attempts"),
                row.getString("content_type"),
                row.getString("message_type"),
                full ? ((JsonObject) row.getJson("headers")).getMap() : null,
                full ? row.getBuffer("payload").getBytes() : null);
        return new DeadLetter(
                row.getUUID("id"),
                message,
                row.getInteger("payload_bytes"),
                Timestamps.instant(row.getOffsetDateTime("parked_at")),
                DeadLetterStatus.valueOf(row.getString("status")),
                Timestamps.instant(row.getOffsetDateTime("resolved_at")),
                row.getString("resolved_by"),
                row.getUUID("replay_event_id"),
                row.getUUID("replay_of"),
                new FailureFingerprint(message.reason(), row.getString("exception_type"),
                        message.messageType() != null ? message.messageType() : message.originalRoutingKey(),
                        row.getString("failure_origin")),
                row.getUUID("resolved_by_job"));
    }
}
