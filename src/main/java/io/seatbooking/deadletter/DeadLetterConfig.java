package io.seatbooking.deadletter;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the parking table, its drain and its admin API ({@code dead-letters.*}). */
@ConfigMapping(prefix = "dead-letters")
public interface DeadLetterConfig {

    /** Page size of the listing when the client gives none. */
    @WithDefault("20")
    int defaultPageSize();

    /** The largest page size a client may ask for. */
    @WithDefault("100")
    int maxPageSize();

    /** How often the depth and oldest-age gauges are read from the database. */
    @WithDefault("PT10S")
    Duration metricsRefresh();

    /**
     * How long the drain waits before handing a dead letter back to the broker (nack with
     * requeue) when the parking table cannot take it, so that a database outage does not spin
     * the dead letter queue.
     */
    @WithDefault("PT1S")
    Duration requeueBackoff();

    /**
     * Where a replay goes. false (the default, as the contract says): to the original exchange
     * and routing key, so that it takes the path it first took. true: when the letter failed in
     * a queue that the failure channel's retry exchange leads back to, back to that queue only
     * (through {@code booking.payments.retry}, routing key = the queue), so that other subscribers
     * of the original exchange do not receive it a second time. Either way the original exchange
     * and routing key travel on in the headers, and letters from any other queue go to the
     * original exchange.
     */
    @WithDefault("false")
    boolean replayToSourceQueue();

    /** How many failure groups get their own {@code dead_letters.group.parked} gauge (most parked first). */
    @WithDefault("50")
    int metricsMaxGroups();

    /** Bulk replay and discard (docs/dead-letters.md). */
    Bulk bulk();

    /** Removal of resolved letters. */
    Retention retention();

    /** Settings of bulk jobs ({@code dead-letters.bulk.*}). */
    interface Bulk {

        /**
         * The most letters per second a bulk replay appends to the outbox, per job, so that a replay
         * of thousands does not flood the consumers and the payments they trigger.
         */
        @WithDefault("50")
        int replayRate();

        /** The most letters per second a bulk discard resolves (it sends nothing). */
        @WithDefault("1000")
        int discardRate();

        /** The most letters one transaction of a job resolves. */
        @WithDefault("100")
        int batchSize();

        /** How often a replica looks for a running job to work on (or to take over). */
        @WithDefault("PT1S")
        Duration pollInterval();

        /**
         * How long a replica's claim on a job lasts without progress; after a crash another replica
         * (or the restarted one) takes the job over once it ran out.
         */
        @WithDefault("PT15S")
        Duration leaseTtl();

        /** Whether this replica works on bulk jobs at all (they still can be created). */
        @WithDefault("true")
        boolean enabled();
    }

    /** Settings of retention ({@code dead-letters.retention.*}). */
    interface Retention {

        /** How long a REPLAYED or DISCARDED letter is kept after it was resolved. PARKED ones stay. */
        @WithDefault("P30D")
        Duration keep();

        /** The most letters one delete removes. */
        @WithDefault("1000")
        int batchSize();

        /** How often the retention runs (again at once while batches come back full). */
        @WithDefault("PT10M")
        Duration interval();
    }
}
