package io.seatbooking.db;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the service waits for database connections ({@code db.*}). The request pool is Quarkus's
 * ({@code quarkus.datasource.reactive.*}, its size included); these keys bound how long and how
 * many requests may wait for it, and size the consumers', background and relay pools beside it
 * (docs/operations.md, "Overload").
 */
@ConfigMapping(prefix = "db")
public interface PoolConfig {

    /**
     * A pooled connection that has waited this long for an answer without receiving a byte is
     * closed: its request answers 503 instead of hanging on a silent connection
     * ({@link BoundedRoundTrips}). Idle connections are not affected.
     */
    @WithDefault("PT10S")
    Duration readTimeout();

    /** Connections for HTTP requests. */
    Request request();

    /** Connections for the consumers of payments and dead letters. */
    Consumers consumers();

    /** Connections for the sweeper, the purges, the waiting room's jobs and health checks. */
    Background background();

    /** The outbox relay's own connections, on its own event loop ({@code OutboxRelayRunner}). */
    Relay relay();

    interface Request {
        /**
         * The longest a request waits for a connection; after it the request is answered
         * {@code 503 overloaded}. Short, so that a request never queues for longer than a client
         * would wait for it.
         */
        @WithDefault("PT0.5S")
        Duration acquireTimeout();

        /**
         * The most requests that may wait for a connection at once; one more is answered
         * {@code 503 overloaded} at once.
         */
        @WithDefault("64")
        int maxWaiting();
    }

    interface Consumers {
        /**
         * Size of the consumers' pool, on top of the request pool: one connection for each payment
         * applied at once ({@code mp.messaging.incoming.payments.concurrency}), and the dead-letter
         * drain shares them. It waits as background work does ({@code db.background.acquire-timeout}).
         */
        @WithDefault("8")
        int maxSize();
    }

    interface Background {
        /** Size of the background pool, on top of {@code quarkus.datasource.reactive.max-size}. */
        @WithDefault("10")
        int maxSize();

        /** The longest background work waits for one of its connections. */
        @WithDefault("PT10S")
        Duration acquireTimeout();
    }

    interface Relay {
        /**
         * Size of the relay's pool, on top of the others: its lease, claims, marks and
         * failure records run at most about three at a time.
         */
        @WithDefault("3")
        int maxSize();
    }
}
