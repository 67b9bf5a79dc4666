package io.seatbooking.web.idempotency;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of Idempotency-Key handling ({@code idempotency.*}). */
@ConfigMapping(prefix = "idempotency")
public interface IdempotencyConfig {

    /** How long a key and its stored response are kept. */
    @WithDefault("PT24H")
    Duration ttl();

    /**
     * How long a request may run under its key before a repeat may take the key over (the first
     * request's process is then presumed dead; its transaction cannot commit afterwards).
     */
    @WithDefault("PT30S")
    Duration lockTimeout();

    /** Mean time between purges of expired keys. */
    @WithDefault("PT5M")
    Duration purgeInterval();

    /** The most expired keys one purge statement deletes. */
    @WithDefault("1000")
    int purgeBatchSize();
}
