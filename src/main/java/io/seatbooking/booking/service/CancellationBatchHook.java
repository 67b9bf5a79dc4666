package io.seatbooking.booking.service;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Runs inside each show-cancellation batch's transaction, just before it commits. The service's
 * own hook does nothing; tests replace it to fail a batch half way through a cancellation (the
 * crash the cancellation must survive).
 */
@DefaultBean
@Singleton
public class CancellationBatchHook {

    /**
     * @param showId the show being cancelled
     * @param cancelled how many bookings the batch cancelled
     * @return a failure rolls the whole batch back
     */
    public Uni<Void> beforeCommit(SqlConnection tx, UUID showId, int cancelled) {
        return Uni.createFrom().voidItem();
    }
}
