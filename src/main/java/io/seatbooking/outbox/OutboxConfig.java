package io.seatbooking.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the outbox relay and retention ({@code outbox.*}). */
@ConfigMapping(prefix = "outbox")
public interface OutboxConfig {

    Relay relay();

    Lease lease();

    Retention retention();

    Pending pending();

    /**
     * The least time between two NOTIFYs a replica sends after its commits (OutboxSignal): one
     * NOTIFY stands for every commit since the last, so other replicas' relays hear of a commit
     * at most this much later (this replica's own relay is woken in the process at once).
     */
    @WithDefault("PT0.002S")
    Duration notifySpacing();

    interface Relay {
        /** Whether this replica takes part in relaying (it still needs the lease to publish). */
        @WithDefault("true")
        boolean enabled();

        /** The most rows one claim reads. */
        @WithDefault("500")
        int batchSize();

        /** The confirm window: the most published-but-unconfirmed messages at any time. */
        @WithDefault("1000")
        int maxInFlight();

        /** A message not confirmed within this time is treated as failed and published again. */
        @WithDefault("PT10S")
        Duration confirmTimeout();

        /**
         * The least time between the starts of two claims. Every NOTIFY may start a claim, and a
         * relay with a thread to itself would otherwise claim once per event whenever commits
         * come further apart than a claim takes, each claim costing PostgreSQL far more than the
         * one row it returns. An event after a quiet spell is claimed at once; in a steady stream
         * an event waits at most this long for its claim.
         */
        @WithDefault("PT0.005S")
        Duration claimSpacing();

        /**
         * How long confirms gather before one statement marks them all; the next mark likewise
         * waits this long after the last one's answer.
         */
        @WithDefault("PT0.01S")
        Duration markLinger();

        /** Fallback poll when no NOTIFY arrives (lost notifications, listener reconnecting). */
        @WithDefault("PT1S")
        Duration pollInterval();

        /** First retry delay after a nack, return, timeout or lost connection. */
        @WithDefault("PT0.1S")
        Duration backoffInitial();

        /** The cap of the exponential retry delay. */
        @WithDefault("PT10S")
        Duration backoffMax();

        /**
         * A replica whose broker connection stays closed this long gives its partitions up and
         * stops counting as a relaying replica, so that the others take them; it joins again once
         * it can reach the broker.
         */
        @WithDefault("PT10S")
        Duration stepAsideAfter();

        /** How long graceful shutdown waits for in-flight confirms. */
        @WithDefault("PT10S")
        Duration drainTimeout();
    }

    interface Lease {
        /** The lease's name; replicas contending for the same name elect one relay. */
        @WithDefault("outbox")
        String name();

        /** How long a lease lasts without renewal: the bound of a failover. */
        @WithDefault("PT5S")
        Duration ttl();

        /** How often the holder renews, and a standby tries to acquire. */
        @WithDefault("PT1S")
        Duration renewInterval();
    }

    interface Pending {
        /**
         * Mean time between two vacuums of the pending-row table (jittered), run by the replica
         * holding relay partition 0. Every published event leaves a dead row and a dead index
         * entry there, and every claim from the lowest pending id reads past those not yet
         * vacuumed; autovacuum, where it is on, comes at most once a minute
         * (docs/relay.md, "Vacuuming the pending rows").
         */
        @WithDefault("PT5S")
        Duration vacuumInterval();
    }

    interface Retention {
        /** How long published rows are kept (for audit and re-publication) before deletion. */
        @WithDefault("PT24H")
        Duration keep();

        /** The most rows one retention statement deletes. */
        @WithDefault("5000")
        int batchSize();

        /** Mean time between retention runs (jittered). */
        @WithDefault("PT1M")
        Duration interval();
    }
}
