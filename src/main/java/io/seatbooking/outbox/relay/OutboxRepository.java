package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.seatbooking.db.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The relay's statements on the outbox table. */
@ApplicationScoped
public class OutboxRepository {

    // Fenced per partition: answers rows only of the partitions the caller holds with these epochs
    // (unexpired). Walks the narrow queue of pending rows (outbox_pending) in id order and stops
    // after a batch, never the event table: published rows (however many) cost nothing, and other
    // replicas' partitions cost one index entry each. held_back says that an earlier row of the
    // same subject is still pending (in flight, left out, or not seen before): such a row must not
    // be sent yet, whatever the relay remembers. A subject's rows share its hash, so that probe is
    // one lookup of the queue's primary key.
    private static final String CLAIM = """
            WITH mine AS (
                SELECT h.lowest, h.highest
                  FROM unnest($1::int[], $2::bigint[], $3::int[], $4::int[]) AS h(partition, epoch, lowest, highest)
                  JOIN outbox_relay_lease l ON l.name = $5 AND l.partition = h.partition AND l.owner = $6
                                           AND l.epoch = h.epoch AND l.expires_at > now()
            ), claimed AS (
                SELECT q.subject_hash, q.id
                  FROM outbox_pending q
                 WHERE q.id > $7 AND q.id <> ALL ($8::bigint[])
                   AND EXISTS (SELECT 1 FROM mine WHERE q.subject_hash BETWEEN mine.lowest AND mine.highest)
                 ORDER BY q.id
                 LIMIT $9
            )
            SELECT o.id, o.event_id, o.event_type, o.subject, o.sequence, o.exchange, o.routing_key,
                   o.content_type, o.headers, o.payload, o.created_at, c.subject_hash,
                   EXISTS (SELECT 1 FROM outbox_pending e JOIN outbox_event p ON p.id = e.id
                            WHERE e.subject_hash = c.subject_hash AND e.id < c.id AND p.subject = o.subject) AS held_back
              FROM claimed c JOIN outbox_event o ON o.id = c.id
             ORDER BY o.id
            """;

    // Fenced per partition too: only a holder of the row's partition (same epoch, expired or not)
    // removes it from the queue. The mark of published_at touches no indexed column: a HOT update.
    private static final String MARK_PUBLISHED = """
            WITH mine AS (
                SELECT h.partition
                  FROM unnest($1::int[], $2::bigint[]) AS h(partition, epoch)
                  JOIN outbox_relay_lease l ON l.name = $3 AND l.partition = h.partition AND l.owner = $4
                                           AND l.epoch = h.epoch
            ), gone AS (
                DELETE FROM outbox_pending q
                 USING unnest($5::int[], $6::bigint[], $7::int[]) AS d(subject_hash, id, partition)
                 WHERE d.partition IN (SELECT partition FROM mine)
                   AND q.subject_hash = d.subject_hash AND q.id = d.id
                RETURNING q.id
            )
            UPDATE outbox_event o SET published_at = $8 FROM gone WHERE o.id = gone.id
            """;

    private static final String RECORD_FAILURE = """
            UPDATE outbox_event SET attempts = attempts + 1, last_error = left($2, 500)
             WHERE id = $1 AND published_at IS NULL
            """;

    private static final String PENDING_STATS = """
            SELECT (SELECT count(*) FROM outbox_pending) AS pending,
                   (SELECT o.created_at FROM outbox_event o WHERE o.id = (SELECT min(id) FROM outbox_pending)) AS oldest
            """;

    // Through the BRIN index on created_at (a row is published after it was written), in no
    // particular order: any bounded batch of old published rows will do.
    private static final String DELETE_PUBLISHED_BEFORE = """
            DELETE FROM outbox_event
             WHERE id = ANY (ARRAY(SELECT id FROM outbox_event
                                    WHERE created_at < $1 AND published_at < $1
                                    LIMIT $2))
            """;

    /** Pending work: how many rows wait and when the oldest was written (null if none). */
    public record PendingStats(long pending, Instant oldestCreatedAt) {
    }

    private final Pool pool;

    public OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /** A confirmed row to mark: its queue key, and the partition it was claimed in. */
    public record Mark(int subjectHash, long id, int partition) {
    }

    /**
     * Up to {@code limit} pending rows of the partitions in {@code scope}, in id order, with ids
     * above {@code after}, leaving out {@code exclude} (rows already in flight); of a partition, only
     * while it is still held with that epoch in the database. Each excluded row costs the scan a
     * little, so a caller that knows no pending row below some id passes that id as {@code after}
     * and nothing to exclude.
     */
    public Uni<List<OutboxRow>> claim(PartitionLeases.Scope scope, Collection<Long> exclude, long after, int limit) {
        List<PartitionLeases.Held> held = scope.held();
        Tuple params = Tuple.tuple(List.of(
                held.stream().map(PartitionLeases.Held::partition).toArray(Integer[]::new),
                held.stream().map(PartitionLeases.Held::epoch).toArray(Long[]::new),
                held.stream().map(PartitionLeases.Held::lowestHash).toArray(Integer[]::new),
                held.stream().map(PartitionLeases.Held::highestHash).toArray(Integer[]::new),
                scope.name(), scope.owner(), after, exclude.toArray(Long[]::new), limit));
        return pool.preparedQuery(CLAIM).execute(params).map(rows -> {
            List<OutboxRow> claimed = new ArrayList<>(rows.size());
            for (Row row : rows) {
                claimed.add(toRow(row));
            }
            return claimed;
        });
    }

    /**
     * Marks confirmed rows published: removes them from the queue and sets published_at, for the
     * rows of the partitions {@code epochs} (partition to epoch) says the owner still holds.
     */
    public Uni<Integer> markPublished(String lease, String owner, java.util.Map<Integer, Long> epochs,
            Collection<Mark> marks, Instant at) {
        Tuple params = Tuple.tuple(List.of(
                epochs.keySet().toArray(Integer[]::new), epochs.values().toArray(Long[]::new), lease, owner,
                marks.stream().map(Mark::subjectHash).toArray(Integer[]::new),
                marks.stream().map(Mark::id).toArray(Long[]::new),
                marks.stream().map(Mark::partition).toArray(Integer[]::new),
                Timestamps.utc(at)));
        return pool.preparedQuery(MARK_PUBLISHED).execute(params).map(rows -> rows.rowCount());
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

    /** Deletes up to {@code limit} rows published more than {@code keep} ago; returns how many. */
    public Uni<Integer> deletePublished(Instant now, Duration keep, int limit) {
        return pool.preparedQuery(DELETE_PUBLISHED_BEFORE)
                .execute(Tuple.of(Timestamps.utc(now.minus(keep)), limit))
                .map(rows -> rows.rowCount());
    }

    private static OutboxRow toRow(Row row) {
        return new OutboxRow(
                row.getLong("id"),
                row.getUUID("event_id"),
                row.getString("event_type"),
                row.getString("subject"),
                row.getLong("sequence"),
                row.getString("exchange"),
                row.getString("routing_key"),
                row.getString("content_type"),
                row.getJsonObject("headers").getMap(),
                row.getBuffer("payload").getBytes(),
                Timestamps.instant(row.getOffsetDateTime("created_at")),
                row.getBoolean("held_back"),
                row.getInteger("subject_hash"));
    }
}
