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
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.db.Pools;
import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.messaging.RabbitConnections;
import io.seatbooking.outbox.OutboxConfig;
import io.seatbooking.outbox.OutboxSignal;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Runs this replica's {@link OutboxRelay}: starts it (and its LISTEN connection) at start-up
 * when {@code outbox.relay.enabled}, and stops it gracefully at shutdown.
 *
 * <p>The relay runs on a Vert.x instance of its own with one event loop, and its statements on a
 * pool of its own on that event loop ({@link Pools#relayPool}). Under an on-sale the service's
 * event loops are saturated with requests, and every hop of a lease renewal (the timer, the
 * answer, the next statement) would wait its turn behind them: at 800 requests/s on two cores
 * the renewal missed the lease's local deadline. A thread of its own is scheduled by the
 * operating system instead, whatever the requests' backlog.
 */
@Singleton
public class OutboxRelayRunner {

    private static final Logger LOG = Logger.getLogger(OutboxRelayRunner.class);

    private final Pools pools;
    private final RabbitConnections connections;
    private final OutboxConfig config;
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final PgConnectOptions listenOptions;
    private final Tracer tracer;
    private final OutboxSignal signal;

    private volatile OutboxRelay relay;
    private volatile OutboxNotifications notifications;
    private volatile Vertx relayVertx;
    private volatile Pool relayPool;

    /** {@code servicePool} is asked for so that Quarkus makes it, and {@code pools} learns the connect options, first. */
    public OutboxRelayRunner(Pool servicePool, Pools pools, RabbitConnections connections,
            OutboxConfig config, MeterRegistry registry, InstantSource clock, Tracer tracer, OutboxSignal signal,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.pools = pools;
        this.connections = connections;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.tracer = tracer;
        this.signal = signal;
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
        relayVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        relayPool = Pool.newInstance(pools.relayPool(relayVertx));
        RelayLease lease = new RelayLease(relayPool, config.lease().name(), owner, config.lease().ttl());
        ConfirmingPublisher publisher = new ConfirmingPublisher(connections, "outbox-relay");
        // The tracer itself, not its client proxy: the proxy looks its bean up at every span.
        relay = new OutboxRelay(relayVertx, new OutboxRepository(relayPool), lease, publisher, config.relay(),
                new RelayMetrics(registry), clock, new PublishTracing(ClientProxy.unwrap(tracer)));
        notifications = new OutboxNotifications(relayVertx, listenOptions, relay::wake);
        // This replica's commits wake its relay at once; other replicas hear of them by NOTIFY,
        // unless this one holds every partition.
        signal.relayHere(relay::wakeFrom, relay::relaysAlone);
        relay.start(config.lease().renewInterval().toMillis());
        notifications.start();
    }

    void stop(@Observes ShutdownEvent event) {
        OutboxRelay running = relay;
        if (running == null) {
            return;
        }
        signal.noRelayHere();
        notifications.stop();
        try {
            running.stop().get(config.relay().drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Relay did not stop cleanly: %s", e.toString());
        }
        try {
            relayPool.getDelegate().close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("The relay's pool did not close cleanly: %s", e.toString());
        }
        // Not waited for: its answer would be delivered on the event loop it shuts down.
        relayVertx.close();
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
