package io.seatbooking.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Work that must commit or roll back together with a booking change, such as storing the
 * response of an idempotent request or recording a consumed message in the inbox.
 *
 * <p>Contract: the booking service calls {@link #run} once, on the transaction's connection,
 * after the change and its outbox event were written and before commit. A failure rolls the
 * whole transaction back. It is not called when the operation changes nothing.
 *
 * @param <T> the result of the change
 */
@FunctionalInterface
public interface BeforeCommit<T> {

    /** Does nothing. */
    @SuppressWarnings("rawtypes")
    BeforeCommit NOTHING = (tx, result) -> Uni.createFrom().voidItem();

    Uni<Void> run(SqlConnection transaction, T result);

    @SuppressWarnings("unchecked")
    static <T> BeforeCommit<T> nothing() {
        return NOTHING;
    }
}
