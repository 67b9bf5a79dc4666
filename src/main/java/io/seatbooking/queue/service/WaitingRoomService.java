package io.seatbooking.queue.service;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Singleton;

import io.seatbooking.queue.QueueMetrics;
import io.seatbooking.queue.QueueOutcome;
import io.seatbooking.queue.QueueTokens;
import io.seatbooking.queue.Room;
import io.seatbooking.queue.Ticket;
import io.seatbooking.queue.TicketState;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Waiting rooms from the customer's side: set one up, join, ask where you are. A status poll of a
 * waiting customer who sends the ticket back costs no database read (the position is in the
 * signed ticket, the room's progress in {@link RoomCache}); no poll ever writes.
 */
@Singleton
public class WaitingRoomService {

    /** A join's answer: the customer's status, and whether this join created the ticket. */
    public record Joined(QueueStatus status, boolean created) {
    }

    private static final SecureRandom DRAWS = new SecureRandom();

    private final WaitingRoomRepository rooms;
    private final RoomCache cache;
    private final KnownPositions positions;
    private final PreQueueSize preQueueSize;
    private final QueueTokens tokens;
    private final WaitingRoomConfig config;
    private final QueueMetrics metrics;
    private final InstantSource clock;

    public WaitingRoomService(WaitingRoomRepository rooms, RoomCache cache, KnownPositions positions,
            PreQueueSize preQueueSize, QueueTokens tokens, WaitingRoomConfig config, QueueMetrics metrics,
            InstantSource clock) {
        this.rooms = rooms;
        this.cache = cache;
        this.positions = positions;
        this.preQueueSize = preQueueSize;
        this.tokens = tokens;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Gives the show a waiting room opening at {@code opensAt}, or moves the opening of its room.
     *
     * @throws QueueOutcome {@code UnknownShow}; {@code AlreadyOpened} once the room has opened
     */
    public Uni<Room> configure(UUID showId, Instant opensAt) {
        return rooms.upsert(showId, opensAt).chain(room -> room.isPresent() ? Uni.createFrom().item(room.get())
                : rooms.find(showId).map(existing -> {
                    throw existing.isPresent() ? new QueueOutcome.AlreadyOpened(showId)
                            : new QueueOutcome.UnknownShow(showId);
                }))
                .invoke(() -> cache.forget(showId));
    }

    /**
     * Puts the caller in line with a random draw: the admitter ranks the draws at the opening and
     * later joins in their order of arrival, so the answer has no position yet. A repeat answers
     * the same ticket.
     *
     * @throws QueueOutcome {@code NoWaitingRoom}; {@code Closed} once the show sold out
     */
    public Uni<Joined> join(Caller caller, UUID showId) {
        return room(showId).chain(room -> rooms.join(showId, caller.id(), DRAWS.nextLong()).chain(created -> {
            if (created.isPresent()) {
                metrics.joined();
                return Uni.createFrom().item(new Joined(statusOf(room, created.get()), true));
            }
            return rooms.ticket(showId, caller.id()).map(ticket -> new Joined(
                    statusOf(room, ticket.orElseThrow(() -> new QueueOutcome.Closed(showId))), false));
        }));
    }

    /**
     * Where the caller is in the show's queue. {@code sentTicket}, the ticket of an earlier answer,
     * spares the database read while the caller waits: in the pre-queue, and once ranked until the
     * admissions reach the caller's position. The first poll after the opening learns the position
     * from {@link KnownPositions} once this replica holds them (a read of the ticket row until then,
     * and for customers ranked since); the poll that finds the caller admitted reads the row.
     *
     * @throws QueueOutcome {@code NoWaitingRoom}; {@code NotInQueue}
     */
    public Uni<QueueStatus> status(Caller caller, UUID showId, String sentTicket) {
        return room(showId).chain(room -> {
            Optional<QueueTokens.Ticket> known = tokens.readTicket(sentTicket)
                    .filter(t -> t.showId().equals(showId) && t.customerId().equals(caller.id()));
            if (room.closedAt() != null) {
                positions.forget(showId);
            } else if (known.isPresent()) {
                long position = known.get().position();
                if (position > room.admittedUpTo()) {
                    return Uni.createFrom().item(waiting(room, position, sentTicket));
                }
                if (position == 0 && room.openedAt() == null) {
                    // In the pre-queue: nobody has a position before the opening, so the ticket says it all.
                    return Uni.createFrom().item(preQueue(room, known.get().draw(), sentTicket));
                }
                // The first poll since the opening: the position, if this replica already knows it, goes
                // into a new ticket, and the polls after it cost nothing again.
                long learned = position == 0 ? positions.of(room, caller.id()).orElse(0) : 0;
                if (learned > room.admittedUpTo()) {
                    return Uni.createFrom().item(waiting(room, learned,
                            tokens.ticket(new QueueTokens.Ticket(showId, caller.id(), learned, known.get().draw()))));
                }
            }
            return rooms.ticket(showId, caller.id())
                    .map(t -> statusOf(room, t.orElseThrow(() -> new QueueOutcome.NotInQueue(showId))));
        });
    }

    private Uni<Room> room(UUID showId) {
        return cache.get(showId).map(room -> room.orElseThrow(() -> new QueueOutcome.NoWaitingRoom(showId)))
                .invoke(positions::prepare);
    }

    private QueueStatus statusOf(Room room, Ticket ticket) {
        String ticketToken = tokens.ticket(new QueueTokens.Ticket(room.showId(), ticket.customerId(), ticket.position(),
                ticket.draw()));
        Long position = ticket.position() > 0 ? ticket.position() : null;
        return switch (ticket.state()) {
            case ADMITTED -> {
                Instant expiresAt = ticket.lastActiveAt().plus(config.admissionIdle());
                String admission = tokens.admission(new QueueTokens.Admission(room.showId(), ticket.customerId(),
                        ticket.position(), expiresAt));
                yield new QueueStatus(room.showId(), "admitted", position, 0L, Duration.ZERO, room.opensAt(),
                        ticketToken, admission, expiresAt, null);
            }
            case EXPIRED, DONE -> new QueueStatus(room.showId(), ticket.state().name().toLowerCase(), position, null,
                    null, room.opensAt(), ticketToken, null, null, null);
            case WAITING -> room.closedAt() != null
                    ? new QueueStatus(room.showId(), "closed", position, null, null, room.opensAt(), ticketToken, null,
                            null, null)
                    : position == null ? preQueue(room, ticket.draw(), ticketToken) : waiting(room, position, ticketToken);
        };
    }

    /** Not ranked yet: before the opening, or joined since the admitter's last tick. */
    private QueueStatus preQueue(Room room, long draw, String ticketToken) {
        Duration untilOpening = Duration.between(clock.instant(), room.opensAt());
        Duration next;
        if (room.openedAt() != null) {
            next = jittered(config.pollInterval());
        } else if (untilOpening.compareTo(config.maxPollInterval()) > 0) {
            next = jittered(clamp(untilOpening.dividedBy(2)));
        } else {
            // Come back after the opening to learn the position, in the order of the draws, which is the
            // order of the positions the opening gives: the first in line come back first, and those who come
            // back later are admitted later anyway. From when every replica knows the positions (one tick
            // ranks them, each replica's copy of the room is at most a state-cache interval old) to
            // waiting-room.opening-spread after the opening, so that the pre-queue does not arrive at once;
            // no longer than the ceiling takes to admit the pre-queue, so that nobody learns of an admission
            // late, and at most half the admission idle time, so that nobody loses one.
            Duration ranked = config.tick().plus(config.stateCache());
            Duration spread = min(config.openingSpread(), config.admissionIdle().dividedBy(2));
            OptionalLong customers = preQueueSize.of(room.showId());
            if (customers.isPresent()) {
                spread = min(spread, Duration.ofMillis(customers.getAsLong() * 1000 / Math.max(1, config.admissionCeiling())));
            }
            next = untilOpening.plus(returnAfterOpening(draw, ranked, spread));
        }
        return new QueueStatus(room.showId(), TicketState.WAITING.name().toLowerCase(), null, null, null,
                room.opensAt(), ticketToken, null, null, next);
    }

    private QueueStatus waiting(Room room, long position, String ticketToken) {
        long ahead = Math.max(0, position - room.admittedUpTo() - 1);
        Duration estimate = room.admissionRate() > 0.01
                ? roundedWait(Duration.ofMillis((long) (ahead / room.admissionRate() * 1000)))
                : null;
        Duration quarterOfEstimate = estimate == null ? Duration.ZERO : estimate.dividedBy(4);
        Duration next = clamp(max(earliestAdmission(ahead).dividedBy(5).multipliedBy(4), quarterOfEstimate));
        return new QueueStatus(room.showId(), TicketState.WAITING.name().toLowerCase(), position, rounded(ahead),
                estimate, room.opensAt(), ticketToken, null, null, jittered(next));
    }

    /**
     * The soonest the customers ahead can all be admitted: no room admits faster than its ceiling
     * (one second's budget at most at once), and this replica's copy of the room may be a
     * {@code state-cache} interval behind. A customer told to come back by then is never late,
     * whatever the rate does next, and a crowd admitted at the ceiling polls a few times each, not
     * every few seconds. The hint is four fifths of it (so that the +/-25% jitter stays within it),
     * unless a quarter of the estimate at a measured rate far below the ceiling is longer.
     */
    private Duration earliestAdmission(long ahead) {
        Duration atCeiling = Duration.ofMillis((long) (ahead * 1000.0 / Math.max(1, config.admissionCeiling())));
        return max(Duration.ZERO, atCeiling.minus(Duration.ofSeconds(1)).minus(config.stateCache()));
    }

    /**
     * When a pre-queue customer with this draw comes back after the opening: between {@code earliest}
     * and {@code spread}, in the order of the draws (the lowest draw first).
     */
    static Duration returnAfterOpening(long draw, Duration earliest, Duration spread) {
        double rank = ((double) draw + 0x1p63) / 0x1p64; // 0 for the lowest draw, under 1 for the highest
        long first = earliest.toMillis();
        long last = Math.max(first, spread.toMillis());
        return Duration.ofMillis(first + (long) ((last - first) * Math.min(1, rank)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Exact under 100, then to two significant digits: a poll's answer changes only when it means something. */
    static long rounded(long ahead) {
        if (ahead < 100) {
            return ahead;
        }
        long unit = (long) Math.pow(10, (long) Math.log10(ahead) - 1);
        return Math.round((double) ahead / unit) * unit;
    }

    private static Duration roundedWait(Duration wait) {
        long seconds = wait.toSeconds();
        long unit = seconds < 60 ? 5 : seconds < 600 ? 30 : 60;
        return Duration.ofSeconds(Math.max(unit, Math.round((double) seconds / unit) * unit));
    }

    /**
     * Between the poll interval and the longest poll interval, and never more than half the
     * admission idle time: a customer admitted right after a poll learns of it with time to use it.
     */
    private Duration clamp(Duration wanted) {
        return max(config.pollInterval(), min(wanted, min(config.admissionIdle().dividedBy(2), config.maxPollInterval())));
    }

    /** +/-25%, so that clients that polled together drift apart. */
    private static Duration jittered(Duration mean) {
        double factor = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis((long) (mean.toMillis() * factor));
    }
}
