package io.seatbooking.outbox.relay;

import java.time.InstantSource;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Opens {@link RelayHarness}es on the application's own Vert.x, pool, outbox repository, NOTIFY
 * listener options and clock, in the tests' virtual host: the set-up the relay fault tests
 * share, injected where they need it.
 */
@Singleton
class RelayHarnesses {

    private final Vertx vertx;
    private final Pool pool;
    private final OutboxRepository outbox;
    private final OutboxRelayRunner runner;
    private final InstantSource clock;
    private final String vhost;

    RelayHarnesses(Vertx vertx, Pool pool, OutboxRepository outbox, OutboxRelayRunner runner, InstantSource clock,
            @ConfigProperty(name = "rabbitmq-virtual-host") String vhost) {
        this.vertx = vertx;
        this.pool = pool;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
        this.vhost = vhost;
    }

    /** A harness of the test's own; close it when the test ends. */
    RelayHarness open() {
        return new RelayHarness(vertx, pool, outbox, runner, clock, vhost);
    }
}
