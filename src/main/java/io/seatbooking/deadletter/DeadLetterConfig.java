package io.seatbooking.deadletter;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the parking table and its admin API ({@code dead-letters.*}). */
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
     * Where a replay goes. false (the default, as the contract says): to the original exchange
     * and routing key, so that it takes the path it first took. true: when the letter failed in
     * one of this service's queues, back to that queue only (through
     * {@code booking.payments.retry}, routing key = the queue), so that other subscribers of the
     * original exchange do not receive it a second time. Either way the original exchange and
     * routing key travel on in the headers, and letters from an unknown queue go to the original
     * exchange.
     */
    @WithDefault("false")
    boolean replayToSourceQueue();
}
