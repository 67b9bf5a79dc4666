package io.seatbooking.deadletter.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.seatbooking.db.Where;
import io.seatbooking.deadletter.BulkJob;
import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.LetterFilter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Bulk jobs ({@code dead_letter_bulk_job}) and the batches they resolve. A replica works on a job
 * while it holds the job's lease; every batch commits together with the job's progress, and that
 * progress update is fenced by the lease (it changes nothing for a replica that lost it, which
 * then rolls its batch back), so a job resumes after a crash exactly where its last batch ended.
 */
@Singleton
public class BulkJobRepository {

    private static final String COLUMNS = """
            id, action, filter, requested_by, requested_at, snapshot_at, matched, processed, rate_per_second,
            status, updated_at, finished_at""";

    private static final String INSERT = """
            INSERT INTO dead_letter_bulk_job (id, action, filter, requested_by, snapshot_at, matched, rate_per_second,
                                              status, finished_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 = 'COMPLETED' THEN clock_timestamp() END)
            RETURNING""" + " " + COLUMNS;

    // The oldest running job that is this replica's or nobody's (lease run out), claimed for a while.
    private static final String CLAIM = """
            UPDATE dead_letter_bulk_job
               SET owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond'
             WHERE id = (SELECT id FROM dead_letter_bulk_job
                          WHERE status = 'RUNNING'
                            AND (owner = $1 OR lease_until IS NULL OR lease_until < clock_timestamp())
                          ORDER BY requested_at, id
                          LIMIT 1
                          FOR UPDATE SKIP LOCKED)
            RETURNING""" + " " + COLUMNS;

    // The lease fences the batch: a replica that lost the job updates no row and rolls back.
    private static final String ADVANCE = """
            UPDATE dead_letter_bulk_job
               SET processed = processed + $3, updated_at = clock_timestamp(),
                   lease_until = clock_timestamp() + $4 * interval '1 millisecond'
             WHERE id = $1 AND owner = $2 AND status = 'RUNNING'
            """;

    private static final String COMPLETE = """
            UPDATE dead_letter_bulk_job
               SET status = 'COMPLETED', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                   owner = NULL, lease_until = NULL
             WHERE id = $1 AND owner = $2 AND status = 'RUNNING'
            """;

    private static final String CANCEL = """
            UPDATE dead_letter_bulk_job
               SET status = 'CANCELLED', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                   owner = NULL, lease_until = NULL
             WHERE id = $1 AND status = 'RUNNING'
            RETURNING""" + " " + COLUMNS;

    private static final String RESOLVE_BATCH = """
            UPDATE dead_letter AS l
               SET status = $2, resolved_at = clock_timestamp(), resolved_by = $3, resolved_by_job = $4,
                   replay_event_id = r.event_id
              FROM unnest($1::uuid[], $5::uuid[]) AS r (id, event_id)
             WHERE l.id = r.id AND l.status = 'PARKED'
            """;

    private final Pool pool;

    public BulkJobRepository(Pool pool) {
        this.pool = pool;
    }

    /** The database's clock now: a new job's snapshot. */
    public Uni<Instant> now(SqlConnection tx) {
        return tx.query("SELECT clock_timestamp() AS now").execute()
                .map(rows -> Timestamps.instant(rows.iterator().next().getOffsetDateTime("now")));
    }

    /** How many PARKED letters match {@code filter}, parked up to {@code snapshot} (null: any time). */
    public Uni<Integer> countInScope(SqlConnection tx, LetterFilter filter, Instant snapshot) {
        Where where = DeadLetterRepository.where(DeadLetterRepository.Filter.parked(filter));
        where.add("parked_at <= $", Timestamps.utc(snapshot));
        return tx.preparedQuery("SELECT count(*) AS total FROM dead_letter" + where.sql).execute(where.params)
                .map(rows -> rows.iterator().next().getLong("total").intValue());
    }

    /** Stores a new job; COMPLETED at once when nothing matched. */
    public Uni<BulkJob> insert(SqlConnection tx, UUID id, BulkJob.Action action, LetterFilter filter, String by,
            Instant snapshot, int matched, int rate) {
        String status = matched == 0 ? BulkJob.Status.COMPLETED.name() : BulkJob.Status.RUNNING.name();
        return tx.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(id, action.name(), toJson(filter), by,
                Timestamps.utc(snapshot), matched, rate, status))).map(BulkJobRepository::first)
                .map(Optional::orElseThrow);
    }

    public Uni<Optional<BulkJob>> find(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM dead_letter_bulk_job WHERE id = $1")
                .execute(Tuple.of(id)).map(BulkJobRepository::first);
    }

    /** Jobs, newest first: the audit trail. */
    public Uni<List<BulkJob>> list(int page, int size) {
        return pool.preparedQuery("SELECT " + COLUMNS
                + " FROM dead_letter_bulk_job ORDER BY requested_at DESC, id DESC LIMIT $1 OFFSET $2")
                .execute(Tuple.of(size, (long) page * size)).map(rows -> {
                    List<BulkJob> jobs = new ArrayList<>(rows.size());
                    rows.forEach(row -> jobs.add(toJob(row)));
                    return jobs;
                });
    }

    public Uni<Long> count() {
        return pool.query("SELECT count(*) AS total FROM dead_letter_bulk_job").execute()
                .map(rows -> rows.iterator().next().getLong("total"));
    }

    /** Claims (or renews) the next job for {@code owner}; empty when no job waits. */
    public Uni<Optional<BulkJob>> claim(String owner, Duration lease) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(owner, lease.toMillis())).map(BulkJobRepository::first);
    }

    /**
     * The next letters of the job's scope, oldest first, with headers and payload, locked for this
     * transaction (SKIP LOCKED: a single replay running at the same moment is not waited for).
     */
    public Uni<List<DeadLetter>> nextBatch(SqlConnection tx, BulkJob job, int size) {
        DeadLetterRepository.Filter scope = DeadLetterRepository.Filter.parked(job.filter());
        Where where = DeadLetterRepository.where(scope);
        where.add("parked_at <= $", Timestamps.utc(job.snapshotAt()));
        String sql = "SELECT " + DeadLetterRepository.FULL_COLUMNS + " FROM dead_letter" + where.sql
                + " ORDER BY parked_at, id LIMIT " + where.next(size) + " FOR UPDATE SKIP LOCKED";
        return tx.preparedQuery(sql).execute(where.params).map(rows -> {
            List<DeadLetter> letters = new ArrayList<>(rows.size());
            rows.forEach(row -> letters.add(DeadLetterRepository.toLetter(row, true)));
            return letters;
        });
    }

    /** Resolves the locked letters as the job's action; {@code eventIds} are the replays' message ids (or nulls). */
    public Uni<Integer> resolve(SqlConnection tx, BulkJob job, UUID[] letterIds, UUID[] eventIds) {
        String status = job.action() == BulkJob.Action.REPLAY ? "REPLAYED" : "DISCARDED";
        return tx.preparedQuery(RESOLVE_BATCH)
                .execute(Tuple.tuple(Arrays.asList(letterIds, status, job.requestedBy(), job.id(), eventIds)))
                .map(RowSet::rowCount);
    }

    /** Adds the batch to the job's progress; false when {@code owner} no longer holds the job. */
    public Uni<Boolean> advance(SqlConnection tx, UUID jobId, String owner, int resolved, Duration lease) {
        return tx.preparedQuery(ADVANCE).execute(Tuple.of(jobId, owner, resolved, lease.toMillis()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Marks the job COMPLETED (no letter of its scope is PARKED any more). */
    public Uni<Boolean> complete(UUID jobId, String owner) {
        return pool.preparedQuery(COMPLETE).execute(Tuple.of(jobId, owner)).map(rows -> rows.rowCount() == 1);
    }

    /** Cancels a RUNNING job; empty when it is not running (or does not exist). */
    public Uni<Optional<BulkJob>> cancel(UUID jobId) {
        return pool.preparedQuery(CANCEL).execute(Tuple.of(jobId)).map(BulkJobRepository::first);
    }

    private static Optional<BulkJob> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toJob(rows.iterator().next()));
    }

    private static JsonObject toJson(LetterFilter f) {
        JsonObject json = new JsonObject();
        putIfPresent(json, "group", f.group());
        putIfPresent(json, "reason", f.reason());
        putIfPresent(json, "messageType", f.messageType());
        putIfPresent(json, "routingKey", f.routingKey());
        putIfPresent(json, "from", f.from() == null ? null : f.from().toString());
        putIfPresent(json, "to", f.to() == null ? null : f.to().toString());
        return json;
    }

    private static void putIfPresent(JsonObject json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static LetterFilter fromJson(JsonObject json) {
        return new LetterFilter(json.getString("group"), json.getString("reason"), json.getString("messageType"),
                json.getString("routingKey"), instant(json.getString("from")), instant(json.getString("to")));
    }

    private static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }

    private static BulkJob toJob(Row row) {
        return new BulkJob(row.getUUID("id"), BulkJob.Action.valueOf(row.getString("action")),
                fromJson((JsonObject) row.getJson("filter")), row.getString("requested_by"),
                Timestamps.instant(row.getOffsetDateTime("requested_at")),
                Timestamps.instant(row.getOffsetDateTime("snapshot_at")), row.getInteger("matched"),
                row.getInteger("processed"), row.getInteger("rate_per_second"),
                BulkJob.Status.valueOf(row.getString("status")), Timestamps.instant(row.getOffsetDateTime("updated_at")),
                Timestamps.instant(row.getOffsetDateTime("finished_at")));
    }
}
