package io.seatbooking.deadletter.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.seatbooking.db.Where;
import io.seatbooking.deadletter.FailureFingerprint;
import io.seatbooking.deadletter.FailureGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Summaries of the parking table by failure group, reason or message type: counts and first and
 * last seen, most parked first. Groups are computed on read (GROUP BY over the filter's rows, the
 * fingerprint index narrows a group); at the scale of an incident (tens of thousands of letters)
 * that is milliseconds, and nothing has to be kept in step on every park and resolve.
 */
@Singleton
public class FailureGroupRepository {

    private static final String MESSAGE_TYPE = "coalesce(message_type, original_routing_key)";

    private final Pool pool;

    public FailureGroupRepository(Pool pool) {
        this.pool = pool;
    }

    /** One page of groups of the letters that match {@code filter}. */
    public Uni<List<FailureGroup>> summarise(FailureGroup.By by, DeadLetterRepository.Filter filter, int page,
            int size) {
        Where where = DeadLetterRepository.where(filter);
        String sql = """
                SELECT %s AS key, min(reason) AS reason, min(exception_type) AS exception_type,
                       min(%s) AS message_type, min(failure_origin) AS failure_origin,
                       count(*) FILTER (WHERE status = 'PARKED') AS parked, count(*) AS total,
                       min(parked_at) AS first_seen, max(parked_at) AS last_seen
                  FROM dead_letter%s
                 GROUP BY 1
                 ORDER BY parked DESC, last_seen DESC, key
                 LIMIT %s OFFSET %s""".formatted(keyOf(by), MESSAGE_TYPE, where.sql, where.next(size),
                where.next((long) page * size));
        return pool.preparedQuery(sql).execute(where.params).map(rows -> {
            List<FailureGroup> groups = new ArrayList<>(rows.size());
            rows.forEach(row -> groups.add(toGroup(row)));
            return groups;
        });
    }

    /** How many groups the summary has in all. */
    public Uni<Long> count(FailureGroup.By by, DeadLetterRepository.Filter filter) {
        Where where = DeadLetterRepository.where(filter);
        return pool.preparedQuery("SELECT count(DISTINCT " + keyOf(by) + ") AS total FROM dead_letter" + where.sql)
                .execute(where.params).map(rows -> rows.iterator().next().getLong("total"));
    }

    // Fixed expressions only: the dimension is an enum, never client text.
    private static String keyOf(FailureGroup.By by) {
        return switch (by) {
            case GROUP -> "fingerprint";
            case REASON -> "reason";
            case MESSAGE_TYPE -> MESSAGE_TYPE;
        };
    }

    private static FailureGroup toGroup(Row row) {
        return new FailureGroup(row.getString("key"),
                new FailureFingerprint(row.getString("reason"), row.getString("exception_type"),
                        row.getString("message_type"), row.getString("failure_origin")),
                row.getLong("parked"), row.getLong("total"),
                Timestamps.instant(row.getOffsetDateTime("first_seen")),
                Timestamps.instant(row.getOffsetDateTime("last_seen")));
    }
}
