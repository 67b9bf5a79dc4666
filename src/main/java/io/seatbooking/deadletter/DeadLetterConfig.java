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
}
