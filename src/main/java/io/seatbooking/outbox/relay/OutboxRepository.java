package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The relay's statements on the outbox table. */
@Singleton
public class OutboxRepository {

    // Fenced: answers only rows of the partitions the caller holds, each at the epoch it holds it
    // with ($4: the epochs by partition, null where not held), read once before the scan. Walks
    // outbox_pending, which holds only pending ids, so published rows (however many) cost nothing;
    // the limit applies there, before the join, so that the event rows are fetched by id, never
    // walked (a merge join with outbox_event read every published row below the first pending one).
    // held_back says that an earlier row of the same subject is still pending (in flight, left
    // out, or not seen before): such a row must not be sent yet, whatever the relay remembers. A
    // subject's rows all fall into one partition, but the probe does not rely on it. The probe's
    // row comparison can be answered only by outbox_pending_by_subject: with "q.id < p.id" a
    // planner that took the table for nearly empty walked the primary key through every pending
    // row below p.id, for each row claimed.
    // The relay's sessions plan this once, with sequential scans, hash and merge joins, bitmap
    // scans and sorts disabled (db/Pools), so that it is the same index walk whatever the tables'
    // statistics say (docs/decisions.md, "Plans").
    static final String CLAIM = """
            SELECT o.id, o.event_id, o.event_type, o.subject, o.sequence, o.exchange, o.routing_key,
                   o.content_type, o.headers, o.payload, o.created_at, p.partition, p.held_back
              FROM (SELECT p.id, p.partition,
                           EXISTS (SELECT 1 FROM outbox_pending q
                                    WHERE q.subject = p.subject
                                      AND (q.subject, q.id) < (p.subject, p.id)) AS held_back
                      FROM outbox_pending p
                     WHERE p.id > $5
                       AND p.id <> ALL ($1::bigint[])
                       AND p.partition = ANY (ARRAY(
                               SELECT l.partition FROM outbox_relay_partition l
                                WHERE l.name = $2 AND l.owner = $3 AND l.expires_at > now()
                                  AND l.epoch = ($4::bigint[])[l.partition + 1]))
                     ORDER BY p.id
                     LIMIT $6) p
              JOIN outbox_event o ON o.id = p.id
             ORDER BY p.id
            """;

    // Outside any transaction (VACUUM cannot run in one). Never truncates: giving empty pages back
    // takes an exclusive lock, which every booking's insert into the table would queue behind.
    private static final String VACUUM_PENDING = "VACUUM (TRUNCATE false) outbox_pending";

    // Not fenced: a confirm is a fact whoever learnt it, and recording it saves a duplicate. A
    // delete of a narrow row: the event row itself is never rewritten. The ids are unique, so the
    // subjects change nothing in what is deleted; they are there so that either index answers
    // the statement with probes. With "id = ANY ($1)" alone, a session that planned it while the
    // table was nearly empty used the (subject, id) index with the id, its second column, as the
    // only condition: a walk of the whole index for every mark, 2.8-5.8 s a mark once a
    // 300,000-row backlog was pending (2026-12-06; RelayPlansTest).
    static final String MARK_PUBLISHED = """
            DELETE FROM outbox_pending WHERE id = ANY ($1::bigint[]) AND subject = ANY ($2::text[])
            """;

    private static final String RECORD_FAILURE = """
            UPDATE outbox_event SET attempts = attempts + 1, last_error = left($2, 500)
             WHERE id = $1 AND EXISTS (SELECT 1 FROM outbox_pending WHERE id = $1)
            """;

    // The oldest pending row by primary key: a join of the two tables ordered by id (a merge join)
    // would walk every published row below it.
    private static final String PENDING_STATS = """
            SELECT (SELECT count(*) FROM outbox_pending) AS pending,
                   (SELECT o.created_at FROM outbox_event o
                     WHERE o.id = (SELECT min(id) FROM outbox_pending)) AS oldest
            """;

    // Rows are written in time order (the BRIN index outbox_created finds the old ones); a row
    // still pending is never deleted, however old.
    private static final String DELETE_OLDER_THAN = """
            DELETE FROM outbox_event
             WHERE id = ANY (ARRAY(SELECT e.id FROM outbox_event e
                                    WHERE e.created_at < $1
                                      AND NOT EXISTS (SELECT 1 FROM outbox_pending p WHERE p.id = e.id)
                                    ORDER BY e.id
                                    LIMIT $2))
            """;

    /** Pending work: how many rows wait and when the oldest was written (null if none). */
    public record PendingStats(long pending, Instant oldestCreatedAt) {
    }

    private final Pool pool;

    public OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Up to {@code limit} pending rows of the partitions {@code lease} names, in id order with ids
     * above {@code after}, leaving out {@code exclude} (rows already in flight); only of the
     * partitions still held in the database at the epochs the token names. Each excluded row
     * costs the scan a heap fetch, so a caller that knows no pending row below some id passes that
     * id as {@code after} and nothing to exclude.
     */
    public Uni<List<OutboxRow>> claim(RelayLease.Token lease, Collection<Long> exclude, long after, int limit) {
        if (lease.epochs().isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Tuple params = Tuple.tuple(List.of(exclude.toArray(Long[]::new), lease.name(), lease.owner(),
                lease.epochsByPartition(), after, limit));
        return pool.preparedQuery(CLAIM).execute(params).map(rows -> {
            List<OutboxRow> claimed = new ArrayList<>(rows.size());
            for (Row row : rows) {
                claimed.add(toRow(row));
            }
            return claimed;
        });
    }

    /**
     * Records that the broker confirmed these rows: they are no longer pending. {@code subjects}
     * are the rows' subjects, in the order of {@code ids}.
     */
    public Uni<Integer> markPublished(List<Long> ids, List<String> subjects) {
        return pool.preparedQuery(MARK_PUBLISHED)
                .execute(Tuple.of(ids.toArray(Long[]::new), subjects.toArray(String[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** Vacuums the pending-row table: removes the rows and index entries of published events. */
    public Uni<Void> vacuumPending() {
        return pool.query(VACUUM_PENDING).execute().replaceWithVoid();
    }

    public Uni<Void> recordFailure(long id, String error) {
        return pool.preparedQuery(RECORD_FAILURE).execute(Tuple.of(id, error)).replaceWithVoid();
    }

    public Uni<PendingStats> pendingStats() {
        return pool.query(PENDING_STATS).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new PendingStats(row.getLong("pending"), Timestamps.instant(row.getOffsetDateTime("oldest")));
        });
    }

    /** Deletes up to {@code limit} published rows written more than {@code keep} ago; returns how many. */
    public Uni<Integer> deletePublished(Instant now, Duration keep, int limit) {
        return pool.preparedQuery(DELETE_OLDER_THAN)
                .execute(Tuple.of(Timestamps.utc(now.minus(keep)), limit))
                .map(rows -> rows.rowCount());
    }

    // By position, in the order of CLAIM's select list: by name, each of the thirteen columns was
    // looked up among the row's column names, for every row claimed.
    private static OutboxRow toRow(Row row) {
        return new OutboxRow(
                row.getLong(0),
                row.getUUID(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getJsonObject(8).getMap(),
                row.getBuffer(9).getBytes(),
                Timestamps.instant(row.getOffsetDateTime(10)),
                row.getInteger(11),
                row.getBoolean(12));
    }
}
