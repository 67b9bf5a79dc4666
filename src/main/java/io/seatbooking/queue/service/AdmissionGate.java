package io.seatbooking.queue.service;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.queue.QueueOutcome;
import io.seatbooking.queue.QueueTokens;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What the booking side asks of the waiting room: may this customer hold seats of this show now,
 * and the end of an admission when the customer's booking is confirmed. Shows without a waiting
 * room pass without a database read (the room cache remembers them).
 */
@Singleton
public class AdmissionGate {

    /** The admission a hold uses, checked against the database inside the hold's transaction. */
    @FunctionalInterface
    public interface AdmissionUse {
        AdmissionUse NOT_NEEDED = tx -> Uni.createFrom().voidItem();

        /** Uses the admission in {@code tx}; fails with {@code AdmissionRequired} when it is no longer valid. */
        Uni<Void> apply(SqlConnection tx);
    }

    /** The header that carries an admission token on a hold. */
    public static final String HEADER = "Admission-Token";

    private final RoomCache cache;
    private final QueueTokens tokens;
    private final WaitingRoomRepository rooms;
    private final WaitingRoomConfig config;

    public AdmissionGate(RoomCache cache, QueueTokens tokens, WaitingRoomRepository rooms, WaitingRoomConfig config) {
        this.cache = cache;
        this.tokens = tokens;
        this.rooms = rooms;
        this.config = config;
    }

    /**
     * Checks, before the hold's transaction, that {@code admissionToken} admits {@code customerId}
     * to {@code showId} if the show has a waiting room; answers the check to run inside it.
     *
     * @throws QueueOutcome {@code AdmissionRequired} when the token is missing, forged, expired,
     *         or another customer's or show's
     */
    public Uni<AdmissionUse> admission(UUID showId, String customerId, String admissionToken) {
        return cache.get(showId).map(room -> {
            if (room.isEmpty()) {
                return AdmissionUse.NOT_NEEDED;
            }
            if (admissionToken == null || admissionToken.isBlank()) {
                throw new QueueOutcome.AdmissionRequired(showId, "the request has no Admission-Token");
            }
            QueueTokens.Admission admission = tokens.readAdmission(admissionToken)
                    .filter(a -> a.showId().equals(showId) && a.customerId().equals(customerId))
                    .orElseThrow(() -> new QueueOutcome.AdmissionRequired(showId,
                            "the Admission-Token is not a valid admission of yours to this show"));
            return tx -> rooms.useAdmission(tx, showId, customerId, admission.position(), config.admissionIdle())
                    .map(valid -> {
                        if (!valid) {
                            throw new QueueOutcome.AdmissionRequired(showId,
                                    "your admission expired or ended");
                        }
                        return null;
                    }).replaceWithVoid();
        });
    }

    /** The customer's booking of the show was confirmed in {@code tx}: the admission ends, its slot frees. */
    public Uni<Void> finish(SqlConnection tx, UUID showId, String customerId) {
        if (cache.knownWithoutRoom(showId)) {
            return Uni.createFrom().voidItem();
        }
        return rooms.finishAdmission(tx, showId, customerId);
    }
}
