package io.seatbooking.web.idempotency;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Idempotency records in SQL. */
@Singleton
public class IdempotencyRepository {

    /** What is stored under a key that this request could not claim. */
    public record Existing(String fingerprint, boolean completed, StoredResponse response) {
    }

    // Claims a new key, an expired one, or one abandoned mid-request by the same request.
    private static final String CLAIM = """
            INSERT INTO idempotency_record (caller, idempotency_key, fingerprint, state, locked_until, expires_at)
            VALUES ($1, $2, $3, 'IN_PROGRESS', $4, $5)
            ON CONFLICT (caller, idempotency_key) DO UPDATE
               SET fingerprint = EXCLUDED.fingerprint, state = 'IN_PROGRESS', locked_until = EXCLUDED.locked_until,
                   response_status = NULL, response_headers = NULL, response_body = NULL,
                   created_at = now(), expires_at = EXCLUDED.expires_at
             WHERE idempotency_record.expires_at <= $6
                OR (idempotency_record.state = 'IN_PROGRESS' AND idempotency_record.locked_until <= $6
                    AND idempotency_record.fingerprint = EXCLUDED.fingerprint)
            RETURNING 1
            """;

    private static final String FIND = """
            SELECT fingerprint, state, response_status, response_headers, response_body
              FROM idempotency_record
             WHERE caller = $1 AND idempotency_key = $2
            """;

    private static final String COMPLETE = """
            UPDATE idempotency_record
               SET state = 'COMPLETED', locked_until = NULL,
                   response_status = $4, response_headers = $5, response_body = $6
             WHERE caller = $1 AND idempotency_key = $2 AND fingerprint = $3 AND state = 'IN_PROGRESS'
            """;

    private static final String RELEASE = """
            DELETE FROM idempotency_record
             WHERE caller = $1 AND idempotency_key = $2 AND fingerprint = $3 AND state = 'IN_PROGRESS'
            """;

    private static final String PURGE = """
            DELETE FROM idempotency_record
             WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency_record WHERE expires_at <= $1 LIMIT $2))
            """;

    private final Pool pool;

    public IdempotencyRepository(Pool pool) {
        this.pool = pool;
    }

    /** Takes the key for this request; false if someone else holds it or it is completed. */
    public Uni<Boolean> claim(IdempotentRequest request, Instant now, Instant lockedUntil, Instant expiresAt) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.tuple(java.util.List.of(request.caller(), request.key(), request.fingerprint(),
                        Timestamps.utc(lockedUntil), Timestamps.utc(expiresAt), Timestamps.utc(now))))
                .map(rows -> rows.size() == 1);
    }

    public Uni<Optional<Existing>> find(IdempotentRequest request) {
        return pool.preparedQuery(FIND).execute(Tuple.of(request.caller(), request.key()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toExisting(rows.iterator().next())));
    }

    /**
     * Stores the response of a claimed key, on {@code client}: the business transaction's
     * connection, or the pool when nothing else is to be committed. Fails if the key is no
     * longer this request's (it was taken over after the lock timeout).
     */
    public Uni<Void> complete(SqlClient client, IdempotentRequest request, StoredResponse response) {
        return client.preparedQuery(COMPLETE)
                .execute(Tuple.tuple(java.util.List.of(request.caller(), request.key(), request.fingerprint(),
                        response.status(), headersJson(response), Buffer.buffer(response.body()))))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("Idempotency key was taken over while the request ran");
                    }
                    return null;
                });
    }

    public Uni<Void> complete(IdempotentRequest request, StoredResponse response) {
        return complete(pool, request, response);
    }

    /** Gives a claimed key up, so that the client may retry under it. */
    public Uni<Void> release(IdempotentRequest request) {
        return pool.preparedQuery(RELEASE)
                .execute(Tuple.of(request.caller(), request.key(), request.fingerprint()))
                .replaceWithVoid();
    }

    /** Deletes up to {@code limit} expired records; returns how many. */
    public Uni<Integer> purgeExpired(Instant now, int limit) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(Timestamps.utc(now), limit)).map(rows -> rows.rowCount());
    }

    private static JsonObject headersJson(StoredResponse response) {
        JsonObject json = new JsonObject();
        json.put("Content-Type", response.contentType());
        response.headers().forEach(json::put);
        return json;
    }

    private static Existing toExisting(Row row) {
        boolean completed = "COMPLETED".equals(row.getString("state"));
        StoredResponse response = null;
        if (completed) {
            JsonObject headers = row.getJsonObject("response_headers");
            Map<String, String> other = new LinkedHashMap<>();
            headers.forEach(e -> {
                if (!"Content-Type".equals(e.getKey())) {
                    other.put(e.getKey(), String.valueOf(e.getValue()));
                }
            });
            response = new StoredResponse(row.getInteger("response_status"), headers.getString("Content-Type"), other,
                    row.getBuffer("response_body").getBytes());
        }
        return new Existing(row.getString("fingerprint"), completed, response);
    }
}
