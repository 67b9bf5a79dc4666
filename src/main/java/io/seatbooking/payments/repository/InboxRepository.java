package io.seatbooking.payments.repository;

import java.time.Instant;

import jakarta.inject.Singleton;

import io.seatbooking.db.Timestamps;
import io.seatbooking.payments.PaymentEvent;
import io.seatbooking.payments.PaymentOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The inbox of consumed payment messages. A message id is recorded once: in the transaction of
 * the message's effect, or alone when the message changes nothing. The primary key decides a race
 * between two deliveries of one message: the second insert finds the first and records nothing.
 */
@Singleton
public class InboxRepository {

    // ON CONFLICT waits for a concurrent insert of the same id to commit or roll back, then
    // answers whether this one won.
    private static final String RECORD = """
            INSERT INTO payment_inbox (message_id, event_type, booking_id, payment_id, outcome)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (message_id) DO NOTHING
            """;

    // Oldest first, bounded, through the processed_at index.
    private static final String PURGE = """
            DELETE FROM payment_inbox
             WHERE message_id IN (SELECT message_id FROM payment_inbox
                                   WHERE processed_at < $1
                                   ORDER BY processed_at
                                   LIMIT $2)
            """;

    private final Pool pool;

    public InboxRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records the message with its outcome on {@code client} (a transaction's connection, or the
     * pool for a record on its own). Answers false when the message was recorded before.
     */
    public Uni<Boolean> record(SqlClient client, PaymentEvent event, PaymentOutcome outcome) {
        return client.preparedQuery(RECORD)
                .execute(Tuple.of(event.dedupeKey(), event.type(), event.bookingId(), event.paymentId(), outcome.slug()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Forgets up to {@code limit} message ids consumed before {@code cutoff}; answers how many. */
    public Uni<Integer> purgeOlderThan(Instant cutoff, int limit) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(Timestamps.utc(cutoff), limit)).map(rows -> rows.rowCount());
    }

    /** Records a message that changed nothing, in its own statement. */
    public Uni<Boolean> recordAlone(PaymentEvent event, PaymentOutcome outcome) {
        return record(pool, event, outcome);
    }
}
