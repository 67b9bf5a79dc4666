package io.seatbooking.messaging;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Declares every contributed {@link Topology} on the broker, idempotently: declaring what exists
 * with the same settings changes nothing. Runs at start-up before the messaging channels start;
 * if the broker is unreachable then, it keeps trying in the background, and {@link #isDeclared()}
 * stays false (readiness reports it) until it succeeds.
 */
@Singleton
public class TopologyDeclarer {

    private static final Logger LOG = Logger.getLogger(TopologyDeclarer.class);
    private static final long RETRY_MILLIS = 2_000;

    private final Instance<Topology> parts;
    private final RabbitConnections connections;
    private final Vertx vertx;
    private volatile boolean declared;
    private volatile String lastError;

    public TopologyDeclarer(Instance<Topology> parts, RabbitConnections connections, Vertx vertx) {
        this.parts = parts;
        this.connections = connections;
        this.vertx = vertx;
    }

    // Before SmallRye Reactive Messaging starts its channels (Interceptor.Priority.LIBRARY_BEFORE).
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (!tryDeclare()) {
            scheduleRetry();
        }
    }

    /** Whether the whole topology has been declared on the broker. */
    public boolean isDeclared() {
        return declared;
    }

    /** Why the last declaration failed, or null. */
    public String lastError() {
        return lastError;
    }

    /** Every contributed part, merged. */
    public Topology topology() {
        return Topology.merge(parts);
    }

    /** Declares everything now (blocking); answers whether it succeeded. */
    public synchronized boolean tryDeclare() {
        Topology topology = topology();
        try (Connection connection = connections.open("topology");
                Channel channel = connection.createChannel()) {
            for (Topology.Exchange e : topology.exchanges()) {
                channel.exchangeDeclare(e.name(), BuiltinExchangeType.valueOf(e.type().toUpperCase()), true, false,
                        e.arguments());
            }
            for (Topology.Queue q : topology.queues()) {
                channel.queueDeclare(q.name(), true, false, false, q.arguments());
            }
            for (Topology.Binding b : topology.bindings()) {
                if (b.toExchange()) {
                    channel.exchangeBind(b.destination(), b.source(), b.routingKey());
                } else {
                    channel.queueBind(b.destination(), b.source(), b.routingKey());
                }
            }
            declared = true;
            lastError = null;
            LOG.infof("Declared broker topology: %d exchanges, %d queues, %d bindings",
                    topology.exchanges().size(), topology.queues().size(), topology.bindings().size());
            return true;
        } catch (Exception e) {
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warnf("Could not declare the broker topology, will retry: %s", lastError);
            return false;
        }
    }

    private void scheduleRetry() {
        vertx.setTimer(RETRY_MILLIS, id -> vertx.executeBlocking(() -> tryDeclare())
                .subscribe().with(ok -> {
                    if (!ok) {
                        scheduleRetry();
                    }
                }, failure -> scheduleRetry()));
    }
}
