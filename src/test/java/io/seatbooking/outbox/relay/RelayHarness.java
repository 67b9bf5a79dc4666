package io.seatbooking.outbox.relay;

import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.messaging.RabbitConnections;
import io.seatbooking.messaging.RabbitSettings;
import io.seatbooking.outbox.relay.OutboxNotifications;
import io.seatbooking.outbox.relay.OutboxRelay;
import io.seatbooking.outbox.relay.OutboxRelayRunner;
import io.seatbooking.outbox.relay.OutboxRepository;
import io.seatbooking.outbox.relay.PublishTracing;
import io.seatbooking.outbox.relay.RelayLease;
import io.seatbooking.outbox.relay.RelayMetrics;
import io.seatbooking.support.Broker;
import io.seatbooking.support.EventCollector;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Builds relays for a test, outside CDI: each on a broker connection of the test's choosing (a
 * proxy to cut or stall), contending for a lease name of the test's own, with short timings.
 * Closing it kills every relay (as a crash would) and closes proxies and collectors.
 */
final class RelayHarness implements AutoCloseable {

    static final Duration LEASE_TTL = Duration.ofSeconds(2);
    static final long RENEW_MILLIS = 400;

    private final Vertx vertx;
    private final Pool pool;
    private final OutboxRepository outbox;
    private final OutboxRelayRunner runner;
    private final InstantSource clock;
    private final String vhost;
    private final String leaseName = "test-" + UUID.randomUUID();
    private final List<OutboxRelay> relays = new ArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private NioReactor reactor;

    RelayHarness(Vertx vertx, Pool pool, OutboxRepository outbox, OutboxRelayRunner runner, InstantSource clock,
            String vhost) {
        this.vertx = vertx;
        this.pool = pool;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
        this.vhost = vhost;
    }

    /** Starts a relay named {@code name}, waking on NOTIFY, publishing through {@code connections}. */
    OutboxRelay relay(String name, RabbitConnections connections) {
        RelayLease lease = new RelayLease(pool, leaseName, name + "/" + UUID.randomUUID(), LEASE_TTL);
        ConfirmingPublisher publisher = new ConfirmingPublisher(connections, "test-relay-" + name);
        OutboxRelay relay = new OutboxRelay(vertx, outbox, lease, publisher, new FastRelayConfig(),
                new RelayMetrics(new SimpleMeterRegistry()), clock,
                new PublishTracing(OpenTelemetry.noop().getTracer("test")));
        OutboxNotifications notifications = new OutboxNotifications(vertx, runner.listenOptions(), relay::wake);
        relay.start(RENEW_MILLIS);
        notifications.start();
        relays.add(relay);
        cleanup.add(notifications::stop);
        return relay;
    }

    /** Starts a relay as {@link #relay} does, and waits (up to 10 s) until it holds the lease. */
    OutboxRelay leader(String name, RabbitConnections connections) {
        OutboxRelay relay = relay(name, connections);
        await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
        return relay;
    }

    /** Forgets a relay the test stopped itself. */
    void stopped(OutboxRelay relay) {
        relays.remove(relay);
    }

    RabbitConnections brokerAt(int port) {
        return new RabbitConnections(new RabbitSettings("127.0.0.1", port, "guest", "guest", vhost, java.util.Optional.empty()));
    }

    /** A TCP proxy to the broker, on a free port, that the test can cut, stall and reopen. */
    TcpCrusher proxyToBroker() throws Exception {
        if (reactor == null) {
            reactor = new NioReactor();
            cleanup.add(reactor::close);
        }
        TcpCrusher proxy = TcpCrusherBuilder.builder().withReactor(reactor)
                .withBindAddress("127.0.0.1", freePort()).withConnectAddress("127.0.0.1", 5672).buildAndOpen();
        cleanup.add(proxy::close);
        return proxy;
    }

    /** Collects what {@code exchange} routes with {@code bindingKey}, until the harness closes. */
    EventCollector collect(String exchange, String bindingKey) throws Exception {
        EventCollector collector = EventCollector.start(Broker.factory(vhost), exchange, bindingKey);
        cleanup.add(collector);
        return collector;
    }

    String leaseName() {
        return leaseName;
    }

    String vhost() {
        return vhost;
    }

    @Override
    public void close() throws Exception {
        for (OutboxRelay relay : relays) {
            relay.kill().get(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
