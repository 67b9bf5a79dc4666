package io.seatbooking.queue;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The waiting room's settings (docs/waiting-room.md, docs/configuration.md). */
@ConfigMapping(prefix = "waiting-room")
public interface WaitingRoomConfig {

    /**
     * The secret (at least 32 bytes, UTF-8) that signs tickets and admissions, shared by every
     * replica. Unset: a random secret per process, so tokens work on the replica that issued them
     * only (logged as a warning); production sets {@code WAITING_ROOM_TOKEN_SECRET}.
     */
    Optional<String> tokenSecret();

    /** How often each replica's admitter looks at the open rooms. */
    @WithDefault("250ms")
    Duration tick();

    /** The most customers admitted per second per show, whatever else allows. */
    @WithDefault("50")
    int admissionCeiling();

    /** The most customers admitted at once per show (holding, paying): the slots. */
    @WithDefault("500")
    int maxAdmitted();

    /** An admission unused for this long expires, and its slot goes to the next in line. */
    @WithDefault("3m")
    Duration admissionIdle();

    /** The mean time a waiting client is told to wait before its next poll (jittered +/-25%). */
    @WithDefault("2s")
    Duration pollInterval();

    /**
     * The pre-queue comes back to learn its positions between {@code tick} + {@code state-cache} and
     * this long after the opening, in the order of its positions: the longer, the lower the crowd's
     * request rate at the opening. Never longer than the ceiling takes to admit the pre-queue (so
     * that nobody comes back after their admission), nor than half of {@code admission-idle}.
     */
    @WithDefault("60s")
    Duration openingSpread();

    /** The longest a waiting client far back in the queue is told to wait before its next poll. */
    @WithDefault("30s")
    Duration maxPollInterval();

    /**
     * The most positions each replica keeps in memory, over all open rooms (about 24 bytes each), so
     * that the pre-queue's first polls after an opening need no ticket read; a room that would
     * exceed it is read ticket by ticket; 0 turns this off.
     */
    @WithDefault("1000000")
    int positionsInMemory();

    /** How long each replica serves a room's shared state from memory before reading it again. */
    @WithDefault("500ms")
    Duration stateCache();
}
