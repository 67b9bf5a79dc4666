package io.seatbooking.deadletter.service;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.DeadLetterMetrics;
import io.seatbooking.deadletter.DeadLetterPage;
import io.seatbooking.deadletter.DeadLetterStatus;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.seatbooking.deadletter.service.DeadLetterOutcome.AlreadyResolved;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidListing;
import io.seatbooking.deadletter.service.DeadLetterOutcome.NotFound;
import io.seatbooking.outbox.OutboxWriter;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Operations on parked messages: list, show, replay, discard.
 *
 * <p>A replay is one transaction: the letter goes from PARKED to REPLAYED (a conditional update,
 * so of two concurrent replays exactly one wins) and the message is appended to the outbox, which
 * publishes it with publisher confirms; so a replay is never lost and never sent twice by the
 * service. The replayed message keeps its body, content type and message id (the inbox still
 * recognises it if its effect had in fact been applied), drops the failure headers (a fresh
 * start: attempts count from zero) and says which letter it came from ({@code x-replay-of}).
 */
@Singleton
public class DeadLetterService {

    private final Pool pool;
    private final DeadLetterRepository letters;
    private final OutboxWriter outbox;
    private final DeadLetterConfig config;
    private final DeadLetterMetrics metrics;
    private final ReplayMessages replays;

    public DeadLetterService(Pool pool, DeadLetterRepository letters, OutboxWriter outbox, DeadLetterConfig config,
            DeadLetterMetrics metrics, ReplayMessages replays) {
        this.pool = pool;
        this.letters = letters;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.replays = replays;
    }

    /**
     * One page, newest first.
     *
     * @throws InvalidListing for a negative page, a size out of range, or {@code from} not before
     *         {@code to}
     */
    public Uni<DeadLetterPage> list(DeadLetterRepository.Filter filter, int page, Integer size) {
        int pageSize = size == null ? config.defaultPageSize() : size;
        if (page < 0 || pageSize < 1 || pageSize > config.maxPageSize()) {
            throw new InvalidListing("page must be 0 or more and size between 1 and " + config.maxPageSize() + ".");
        }
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidListing("from must be before to.");
        }
        return letters.list(filter, page, pageSize)
                .chain(items -> letters.count(filter).map(total -> new DeadLetterPage(items, page, pageSize, total)));
    }

    /** The letter with headers and payload; {@link NotFound} if there is none. */
    public Uni<DeadLetter> get(UUID id) {
        return letters.find(id).map(found -> found.orElseThrow(() -> new NotFound(id)));
    }

    /**
     * Replays a PARKED letter through the outbox.
     *
     * @throws DeadLetterOutcome {@link NotFound} unknown; {@link AlreadyResolved} replayed or discarded
     */
    public Uni<DeadLetter> replay(Caller caller, UUID id) {
        // The message id is fixed when the letter is parked, so it can be worked out before the
        // transaction; the transaction's conditional update decides whether the replay happens.
        return get(id).chain(letter -> {
            UUID eventId = ReplayMessages.messageId(letter.message());
            return pool.withTransaction(tx -> letters.resolve(tx, id, DeadLetterStatus.REPLAYED, caller.id(), eventId)
                    .chain(closed -> closed.isPresent()
                            ? appendReplay(tx, closed.get(), eventId, caller).replaceWith(closed.get())
                            : whyNotParked(id)));
        }).invoke(metrics::refresh);
    }

    /**
     * Discards a PARKED letter, recording who and when.
     *
     * @throws DeadLetterOutcome {@link NotFound} unknown; {@link AlreadyResolved} replayed or discarded
     */
    public Uni<DeadLetter> discard(Caller caller, UUID id) {
        return pool.withTransaction(tx -> letters.resolve(tx, id, DeadLetterStatus.DISCARDED, caller.id(), null)
                .chain(closed -> closed.isPresent() ? Uni.createFrom().item(closed.get()) : whyNotParked(id)))
                .invoke(metrics::refresh);
    }

    private Uni<Void> appendReplay(SqlConnection tx, DeadLetter parked, UUID messageId, Caller caller) {
        return outbox.append(tx, replays.message(parked, messageId, caller.id()));
    }

    private Uni<DeadLetter> whyNotParked(UUID id) {
        return letters.find(id).map(found -> {
            throw found.isEmpty() ? new NotFound(id) : new AlreadyResolved(found.get());
        });
    }
}
