package io.seatbooking.outbox.relay;

import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.messaging.RabbitConnections;
import io.seatbooking.outbox.OutboxConfig;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Runs this replica's {@link OutboxRelay}: starts it (and its LISTEN connection) at start-up
 * when {@code outbox.relay.enabled}, and stops it gracefully at shutdown.
 */
@Singleton
public class OutboxRelayRunner {

    private static final Logger LOG = Logger.getLogger(OutboxRelayRunner.class);

    private final Vertx vertx;
    private final Pool pool;
    private final OutboxRepository outbox;
    private final RabbitConnections connections;
    private final OutboxConfig config;
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final PgConnectOptions listenOptions;
    private final Tracer tracer;

    private volatile OutboxRelay relay;
    private volatile OutboxNotifications notifications;

    public OutboxRelayRunner(Vertx vertx, Pool pool, OutboxRepository outbox, RabbitConnections connections,
            OutboxConfig config, MeterRegistry registry, InstantSource clock, Tracer tracer,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.pool = pool;
        this.outbox = outbox;
        this.connections = connections;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.tracer = tracer;
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.listenOptions = options;
    }

    void start(@Observes StartupEvent event) {
        if (!config.relay().enabled()) {
            LOG.info("Outbox relay disabled on this replica (outbox.relay.enabled=false)");
            return;
        }
        String owner = connections.instance() + "/" + UUID.randomUUID().toString().substring(0, 8);
        RelayLease lease = new RelayLease(pool, config.lease().name(), owner, config.lease().ttl());
        ConfirmingPublisher publisher = new ConfirmingPublisher(connections, "outbox-relay");
        relay = new OutboxRelay(vertx, outbox, lease, publisher, config.relay(), new RelayMetrics(registry), clock,
                new PublishTracing(tracer));
        notifications = new OutboxNotifications(vertx, listenOptions, relay::wake);
        relay.start(config.lease().renewInterval().toMillis());
        notifications.start();
    }

    void stop(@Observes ShutdownEvent event) {
        OutboxRelay running = relay;
        if (running == null) {
            return;
        }
        notifications.stop();
        try {
            running.stop().get(config.relay().drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Relay did not stop cleanly: %s", e.toString());
        }
    }

    /** This replica's relay, if it runs one. */
    public Optional<OutboxRelay> relay() {
        return Optional.ofNullable(relay);
    }

    /** Connect options for a LISTEN connection to the service's database. */
    public PgConnectOptions listenOptions() {
        return new PgConnectOptions(listenOptions);
    }
}
