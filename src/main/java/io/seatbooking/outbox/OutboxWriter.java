package io.seatbooking.outbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Appends messages to the transactional outbox on the caller's connection, inside the caller's
 * transaction; once that transaction has committed, {@link OutboxSignal} wakes the relays. The
 * writing transaction sends no NOTIFY itself: PostgreSQL serializes the commits of notifying
 * transactions (see {@link OutboxSignal}).
 *
 * <p>Contract: call it only on a connection with an open transaction, in the same transaction as
 * the business change the messages describe. If the transaction rolls back, the rows do not exist
 * and no relay is woken; if it commits, they do and the relays are woken.
 */
@Singleton
public class OutboxWriter {

    /** The channel the relay LISTENs on; writers outside the service may NOTIFY on it too. */
    public static final String NOTIFY_CHANNEL = "outbox_event";

    private static final String APPEND = """
            INSERT INTO outbox_event
                   (event_id, event_type, subject, sequence, exchange, routing_key, content_type, headers, payload)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                                 $7::text[], $8::jsonb[], $9::bytea[])
            RETURNING id
            """;

    private final OutboxSignal signal;

    public OutboxWriter(OutboxSignal signal) {
        this.signal = signal;
    }

    /** Appends one message; see {@link #append(SqlConnection, List)}. */
    public Uni<Void> append(SqlConnection transaction, OutboxMessage message) {
        return append(transaction, List.of(message));
    }

    /** Appends the messages in list order (their outbox ids increase in that order). */
    public Uni<Void> append(SqlConnection transaction, List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = messages.size();
        UUID[] eventIds = new UUID[n];
        String[] types = new String[n];
        String[] subjects = new String[n];
        Long[] sequences = new Long[n];
        String[] exchanges = new String[n];
        String[] routingKeys = new String[n];
        String[] contentTypes = new String[n];
        JsonObject[] headers = new JsonObject[n];
        Buffer[] payloads = new Buffer[n];
        for (int i = 0; i < n; i++) {
            OutboxMessage m = messages.get(i);
            eventIds[i] = m.eventId();
            types[i] = m.eventType();
            subjects[i] = m.subject();
            sequences[i] = m.sequence();
            exchanges[i] = m.exchange();
            routingKeys[i] = m.routingKey();
            contentTypes[i] = m.contentType();
            headers[i] = new JsonObject(new LinkedHashMap<>(m.headers()));
            payloads[i] = Buffer.buffer(m.payload());
        }
        Tuple params = Tuple.tuple(List.of(eventIds, types, subjects, sequences, exchanges, routingKeys,
                contentTypes, headers, payloads));
        return transaction.preparedQuery(APPEND).execute(params).invoke(rows -> {
            long lowest = Long.MAX_VALUE;
            for (Row row : rows) {
                lowest = Math.min(lowest, row.getLong(0));
            }
            signalAtCommit(transaction, lowest);
        }).replaceWithVoid();
    }

    /**
     * Wakes the relays once the caller's transaction has committed, this replica's from the
     * lowest id written ({@code lowestId}); at once outside a transaction.
     */
    private void signalAtCommit(SqlConnection connection, long lowestId) {
        Transaction transaction = connection.transaction();
        if (transaction == null) {
            signal.committed(lowestId);
            return;
        }
        transaction.completion().subscribe().with(committed -> signal.committed(lowestId), rolledBack -> {
        });
    }
}
