package io.seatbooking.queue.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.outbox.CloudEventMessages;
import io.seatbooking.outbox.OutboxMessage;
import io.seatbooking.outbox.OutboxWriter;
import io.seatbooking.platform.RepeatingJob;
import io.seatbooking.platform.WritePathLoad;
import io.seatbooking.queue.AdmissionPlan;
import io.seatbooking.queue.QueueMetrics;
import io.seatbooking.queue.Room;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.seatbooking.queue.repository.WaitingRoomRepository.Admitted;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Moves every open room's line on, on every replica, every {@code waiting-room.tick}. One tick of
 * one room is one transaction under the room row's lock, taken with {@code SKIP LOCKED}: of two
 * replicas ticking at once one does the work and the other skips the room, so positions are
 * admitted once and in order whatever the number of replicas (the lock is the fence: the tick
 * reads the room's state under it and writes it back before letting go). A tick ranks the
 * pre-queue at the opening (and any straggler that joined while it ran), expires idle admissions,
 * admits the next positions as {@link AdmissionPlan} allows, and closes the room once every seat
 * is booked; {@code queue.opened} and {@code queue.closed} go to the outbox in the same
 * transaction.
 */
@Singleton
public class Admitter {

    private static final Logger LOG = Logger.getLogger(Admitter.class);
    private static final double RATE_SMOOTHING = 0.2;

    /** The data of {@code queue.opened} and {@code queue.closed}. */
    public record QueueEvent(UUID showId, Instant at, long customersInLine) {
    }

    /** What one tick of one room did. */
    public record Tick(UUID showId, int admitted, int expired, boolean opened, boolean closed) {
        static Tick skipped(UUID showId) {
            return new Tick(showId, 0, 0, false, false);
        }
    }

    private final Pool pool;
    private final WaitingRoomRepository rooms;
    private final RoomCache cache;
    private final WaitingRoomConfig config;
    private final QueueMetrics metrics;
    private final OutboxWriter outbox;
    private final CloudEventMessages messages;
    private final Vertx vertx;
    private final AdmissionPlan plan;
    private final Instance<WritePathLoad> writePath;
    private final AtomicLong shedSeen = new AtomicLong();
    private volatile RepeatingJob job;

    public Admitter(Pool pool, WaitingRoomRepository rooms, RoomCache cache, WaitingRoomConfig config,
            QueueMetrics metrics, OutboxWriter outbox, CloudEventMessages messages, Vertx vertx,
            Instance<WritePathLoad> writePath) {
        this.pool = pool;
        this.rooms = rooms;
        this.cache = cache;
        this.config = config;
        this.metrics = metrics;
        this.outbox = outbox;
        this.messages = messages;
        this.vertx = vertx;
        this.plan = new AdmissionPlan(config.admissionCeiling(), config.maxAdmitted());
        this.writePath = writePath;
    }

    void start(@Observes StartupEvent event) {
        job = RepeatingJob.start(vertx, "Waiting room admitter", config.tick(), () -> tickAll().replaceWith(false));
    }

    void stop(@Observes ShutdownEvent event) {
        if (job != null) {
            job.stop();
        }
    }

    /** One tick of every room that is due; answers what each did. */
    public Uni<List<Tick>> tickAll() {
        boolean shedding = writePathShedding();
        return rooms.roomsDue().chain(ids -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> tick(id, shedding)).collect().asList());
    }

    /** One tick of one room, in one transaction; skipped when another replica has it. */
    public Uni<Tick> tick(UUID showId) {
        return tick(showId, writePathShedding());
    }

    /** Whether this replica's write path refused requests for lack of capacity since the last look. */
    private boolean writePathShedding() {
        if (!writePath.isResolvable()) {
            return false;
        }
        long shed = writePath.get().shedForCapacity();
        return shedSeen.getAndSet(shed) != shed;
    }

    private Uni<Tick> tick(UUID showId, boolean shedding) {
        return pool.withTransaction(tx -> rooms.lock(tx, showId).chain(locked -> locked.isEmpty()
                ? Uni.createFrom().item(Tick.skipped(showId))
                : tick(tx, locked.get().room(), locked.get().now(), shedding)))
                .invoke(tick -> {
                    if (tick.admitted() > 0 || tick.opened() || tick.closed()) {
                        cache.refresh(showId);
                    }
                    if (tick.opened()) {
                        LOG.infof("Waiting room of show %s opened", showId);
                    }
                });
    }

    /** The room's line as a tick found it, after ranking and expiring. */
    private record Found(long lastPosition, int expired, int active, WaitingRoomRepository.Seats seats) {
    }

    private Uni<Tick> tick(SqlConnection tx, Room room, Instant now, boolean shedding) {
        UUID showId = room.showId();
        Uni<Found> found = rooms.rankUnranked(tx, showId, room.lastPosition(), room.openedAt() == null)
                .chain(lastPosition -> rooms.expireIdle(tx, showId, config.admissionIdle())
                        .chain(expired -> rooms.countAdmitted(tx, showId)
                                .chain(active -> rooms.seats(tx, showId)
                                        .map(seats -> new Found(lastPosition, expired, active, seats)))));
        return found.chain(f -> {
            AdmissionPlan.Decision decision = plan.decide(new AdmissionPlan.RoomNow(room.admittedUpTo(),
                    f.lastPosition(), room.budgetSpentUpTo(), f.active(), f.seats().available(), f.seats().unsold(),
                    shedding),
                    now);
            return rooms.admit(tx, showId, room.admittedUpTo(), decision.admitUpTo())
                    .call(admitted -> record(tx, room, now, f.lastPosition(), decision, admitted))
                    .map(admitted -> {
                        metrics.abandoned(f.expired());
                        admitted.forEach(a -> metrics.admitted(Duration.between(a.joinedAt(), a.admittedAt())));
                        metrics.waiting(f.lastPosition() - decision.admitUpTo());
                        return new Tick(showId, admitted.size(), f.expired(), room.openedAt() == null,
                                decision.soldOut());
                    });
        });
    }

    private Uni<Void> record(SqlConnection tx, Room room, Instant now, long lastPosition,
            AdmissionPlan.Decision decision, List<Admitted> admitted) {
        double perSecond = admitted.size() / (config.tick().toNanos() / 1e9);
        double rate = room.admissionRate() * (1 - RATE_SMOOTHING) + perSecond * RATE_SMOOTHING;
        Uni<Void> events = Uni.createFrom().voidItem();
        if (room.openedAt() == null) {
            events = events.chain(() -> outbox.append(tx, event(EventTypes.QUEUE_OPENED, room, now, 1, lastPosition)));
        }
        if (decision.soldOut()) {
            events = events.chain(() -> outbox.append(tx, event(EventTypes.QUEUE_CLOSED, room, now, 2,
                    lastPosition - decision.admitUpTo())));
        }
        return events.chain(() -> rooms.advance(tx, room.showId(), lastPosition, decision.admitUpTo(),
                decision.budgetSpentUpTo(), rate, decision.soldOut()));
    }

    private OutboxMessage event(String type, Room room, Instant at, long sequence, long inLine) {
        return messages.of(type, "queue/" + room.showId(), sequence, at, new QueueEvent(room.showId(), at, inLine));
    }
}
