package io.seatbooking.deadletter.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;

import io.seatbooking.messaging.RabbitConnections;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes with publisher confirms and mandatory routing, and answers only once the broker has
 * taken responsibility for the message: the returned {@link Uni} completes when the broker
 * confirmed it (routed to at least one queue and stored there), and fails on a nack, a return
 * (unroutable), a lost connection or a timeout. Then, and only then, may the caller ack the
 * message it is republishing.
 *
 * <p>Publishing happens on one dedicated thread (a channel is not shared between threads, and
 * the amqp-client writes to the socket synchronously), never on an event loop. The connection is
 * opened lazily and opened again after it was lost.
 */
@ApplicationScoped
public class ConfirmedRepublisher {

    private static final Logger LOG = Logger.getLogger(ConfirmedRepublisher.class);

    /** Correlates a broker return with the publish it belongs to. */
    static final String SEQUENCE_HEADER = "x-republish-seq";

    private final RabbitConnections connections;
    private final ExecutorService publisherThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "payments-republisher");
        t.setDaemon(true);
        return t;
    });

    // Touched only on the publisher thread.
    private Connection connection;
    private ConfirmChannel current;

    public ConfirmedRepublisher(RabbitConnections connections) {
        this.connections = connections;
    }

    /**
     * Publishes {@code body} persistently with {@code properties} to {@code exchange}.
     *
     * @return completes once the broker confirmed the message; fails otherwise
     */
    public Uni<Void> publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
            Duration timeout) {
        Context caller = Vertx.currentContext();
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        publisherThread.execute(() -> publishNow(exchange, routingKey, properties, body, confirmed));
        Uni<Void> result = Uni.createFrom().completionStage(confirmed)
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException(
                        "The broker did not confirm the republish to " + exchange + " within " + timeout));
        // Continue where the caller was (the consumer's Vert.x context), not on a client thread.
        return caller == null ? result : result.emitOn(command -> caller.runOnContext(ignored -> command.run()));
    }

    private void publishNow(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
            CompletableFuture<Void> confirmed) {
        ConfirmChannel target = null;
        long sequence = -1;
        try {
            target = channel();
            sequence = target.channel.getNextPublishSeqNo();
            Map<String, Object> headers = new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
            headers.put(SEQUENCE_HEADER, sequence);
            target.pending.put(sequence, confirmed);
            target.channel.basicPublish(exchange, routingKey, true, properties.builder().headers(headers).build(), body);
        } catch (Exception e) {
            if (target != null) {
                target.pending.remove(sequence);
            }
            confirmed.completeExceptionally(e);
            closeQuietly();
        }
    }

    private ConfirmChannel channel() throws IOException, TimeoutException {
        if (current != null && current.channel.isOpen() && connection != null && connection.isOpen()) {
            return current;
        }
        closeQuietly();
        connection = connections.open("payments-republish");
        Channel channel = connection.createChannel();
        channel.confirmSelect();
        ConfirmChannel created = new ConfirmChannel(channel);
        channel.addConfirmListener(created);
        channel.addReturnListener(returned -> {
            Object sequence = returned.getProperties().getHeaders() == null ? null
                    : returned.getProperties().getHeaders().get(SEQUENCE_HEADER);
            if (sequence instanceof Number n) {
                created.returned.add(n.longValue());
            }
        });
        // A lost channel or connection fails everything still waiting for its confirm.
        channel.addShutdownListener(cause -> created.failAll(cause));
        current = created;
        return created;
    }

    private void closeQuietly() {
        if (current != null) {
            current.failAll(new IOException("republish channel closed"));
            current = null;
        }
        if (connection != null) {
            try {
                connection.abort(1_000);
            } catch (RuntimeException e) {
                LOG.debugf("Closing the republish connection: %s", e.toString());
            }
            connection = null;
        }
    }

    @PreDestroy
    void close() {
        publisherThread.execute(this::closeQuietly);
        publisherThread.shutdown();
    }

    /** A confirm-mode channel and the publishes that wait for its confirms. */
    private static final class ConfirmChannel implements ConfirmListener {
        final Channel channel;
        final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();
        final Set<Long> returned = ConcurrentHashMap.newKeySet();

        ConfirmChannel(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void handleAck(long deliveryTag, boolean multiple) {
            settle(deliveryTag, multiple, null);
        }

        @Override
        public void handleNack(long deliveryTag, boolean multiple) {
            settle(deliveryTag, multiple, "the broker refused the message (nack)");
        }

        private void settle(long deliveryTag, boolean multiple, String failure) {
            Map<Long, CompletableFuture<Void>> done = multiple ? pending.headMap(deliveryTag, true)
                    : pending.subMap(deliveryTag, true, deliveryTag, true);
            for (Map.Entry<Long, CompletableFuture<Void>> entry : Map.copyOf(done).entrySet()) {
                pending.remove(entry.getKey());
                if (returned.remove(entry.getKey())) {
                    entry.getValue().completeExceptionally(new IOException("The message was unroutable (returned)"));
                } else if (failure != null) {
                    entry.getValue().completeExceptionally(new IOException(failure));
                } else {
                    entry.getValue().complete(null);
                }
            }
        }

        void failAll(Throwable cause) {
            for (Long sequence : pending.keySet()) {
                CompletableFuture<Void> future = pending.remove(sequence);
                if (future != null) {
                    future.completeExceptionally(cause);
                }
            }
        }
    }
}
