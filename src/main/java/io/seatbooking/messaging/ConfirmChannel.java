package io.seatbooking.messaging;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;

import io.seatbooking.messaging.ConfirmingPublisher.FailureKind;
import io.seatbooking.messaging.ConfirmingPublisher.Outgoing;
import io.seatbooking.messaging.ConfirmingPublisher.PublishFailure;

/**
 * One confirm-mode channel on a connection of its own, and the messages that wait for its
 * confirms: their sequence numbers, the broker's acks and nacks (single or multiple), returns
 * matched to their publish, and the failure of them all when the channel closes. Each channel
 * keeps its own books, so that a late signal of a closed channel never touches the next one.
 *
 * <p>{@link #publish} runs on the owner's publishing thread only; confirms, returns and the
 * shutdown arrive on the client's connection thread; {@link #failOlderThan} and
 * {@link Pending#fail} may run on any thread.
 */
final class ConfirmChannel implements ConfirmListener, ReturnListener, ShutdownListener {

    private static final Logger LOG = Logger.getLogger(ConfirmChannel.class);

    /** A message waiting for the broker's answer; {@link #result} completes once. */
    static final class Pending {
        final CompletableFuture<Void> result = new CompletableFuture<>();
        final long createdNanos = System.nanoTime();
        private volatile ConfirmChannel channel;
        private volatile long tag;
        private volatile String messageId;
        private volatile String returnedBecause;

        /** Fails the message unless the broker answered first, and forgets it on its channel. */
        void fail(PublishFailure failure) {
            ConfirmChannel sentOn = channel;
            if (sentOn == null || sentOn.forget(tag, this)) {
                result.completeExceptionally(failure);
            }
        }
    }

    private final Connection connection;
    private final Channel channel;
    private final String purpose;
    private final String sequenceHeader;
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final Map<String, Pending> byMessageId = new ConcurrentHashMap<>();
    private volatile boolean nacked;
    private volatile boolean retired;

    private ConfirmChannel(Connection connection, Channel channel, String purpose, String sequenceHeader) {
        this.connection = connection;
        this.channel = channel;
        this.purpose = purpose;
        this.sequenceHeader = sequenceHeader;
    }

    /**
     * Opens a connection and a confirm-mode channel on it. Returns are matched by the header
     * {@code sequenceHeader} (stamped on every message), or by message id when it is null.
     * Blocking.
     */
    static ConfirmChannel open(RabbitConnections connections, String purpose, String sequenceHeader)
            throws IOException, TimeoutException {
        Connection connection = connections.open(purpose);
        try {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            ConfirmChannel opened = new ConfirmChannel(connection, channel, purpose, sequenceHeader);
            channel.addConfirmListener(opened);
            channel.addReturnListener(opened);
            channel.addShutdownListener(opened);
            return opened;
        } catch (IOException | RuntimeException e) {
            connection.abort(1_000);
            throw e;
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Whether the broker nacked a message on this channel. After a queue's leader died, RabbitMQ
     * 3.10 was seen to nack every later publish on a channel that had routed to the queue before
     * the new leader was known, until the old leader's node came back (about 70 s in the fault
     * suite), while a fresh channel published at once: so a nacked channel takes nothing new.
     */
    boolean wasNacked() {
        return nacked;
    }

    /**
     * Takes no more publishes: closes the connection once every message on it is settled (at
     * once if none waits), so that the messages already sent still get their broker's answer.
     */
    void retire() {
        retired = true;
        closeIfRetiredAndSettled();
    }

    /** Publishes persistent-as-given and mandatory; on the publishing thread. */
    void publish(Outgoing message, Pending pending) {
        if (pending.result.isDone()) {
            return; // timed out while it waited for the publishing thread: never sent
        }
        long tag = channel.getNextPublishSeqNo();
        AMQP.BasicProperties properties = message.properties();
        if (sequenceHeader != null) {
            properties = stamped(properties, tag);
        } else {
            // By message id, a return is told apart only if no other message awaiting a confirm has that id.
            String id = properties == null ? null : properties.getMessageId();
            if (id == null || byMessageId.putIfAbsent(id, pending) != null) {
                pending.result.completeExceptionally(new IllegalStateException(
                        "message id " + id + " is absent or already awaits a confirm; its return could not be told apart"));
                return;
            }
            pending.messageId = id;
        }
        pending.channel = this;
        pending.tag = tag;
        unconfirmed.put(tag, pending);
        try {
            channel.basicPublish(message.exchange(), message.routingKey(), true, properties, message.body());
        } catch (IOException | RuntimeException e) {
            // A failed write may leave part of a frame on the socket: the connection is done for.
            pending.fail(new PublishFailure(FailureKind.CONNECTION_LOST, e.toString()));
            close(1_000);
        }
    }

    @Override
    public void handleAck(long tag, boolean multiple) {
        settle(tag, multiple, null);
    }

    @Override
    public void handleNack(long tag, boolean multiple) {
        nacked = true;
        settle(tag, multiple, new PublishFailure(FailureKind.NACKED, "the broker nacked it"));
    }

    // The broker sends a message's return before its ack, on the same connection thread.
    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
            AMQP.BasicProperties properties, byte[] body) {
        Pending pending = null;
        if (sequenceHeader != null) {
            Object tag = properties.getHeaders() == null ? null : properties.getHeaders().get(sequenceHeader);
            pending = tag instanceof Number n ? unconfirmed.get(n.longValue()) : null;
        } else if (properties.getMessageId() != null) {
            pending = byMessageId.get(properties.getMessageId());
        }
        if (pending != null) {
            pending.returnedBecause = replyCode + " " + replyText;
        }
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
        if (!cause.isInitiatedByApplication()) {
            LOG.warnf("Publishing channel (%s) closed: %s", purpose, cause.getMessage());
        }
        failAll(String.valueOf(cause.getMessage()));
    }

    /** Fails every message unconfirmed for longer than {@code timeoutNanos}; answers how many. */
    int failOlderThan(long nowNanos, long timeoutNanos) {
        int failed = 0;
        for (Pending pending : unconfirmed.values()) {
            if (nowNanos - pending.createdNanos > timeoutNanos) {
                failed++;
                pending.fail(new PublishFailure(FailureKind.TIMED_OUT,
                        "no confirm within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
            }
        }
        return failed;
    }

    /** Fails every message still waiting for its confirm. */
    void failAll(String why) {
        unconfirmed.values().forEach(p -> p.fail(new PublishFailure(FailureKind.CONNECTION_LOST, why)));
    }

    /** Closes the connection at once (blocking up to {@code timeoutMillis}); the shutdown fails the rest. */
    void close(int timeoutMillis) {
        connection.abort(timeoutMillis);
    }

    private void settle(long tag, boolean multiple, PublishFailure failure) {
        Map<Long, Pending> settled = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
        settled.forEach((t, pending) -> {
            if (!forget(t, pending)) {
                return;
            }
            if (failure != null) {
                pending.result.completeExceptionally(failure);
            } else if (pending.returnedBecause != null) {
                pending.result.completeExceptionally(new PublishFailure(FailureKind.RETURNED, pending.returnedBecause));
            } else {
                pending.result.complete(null);
            }
        });
    }

    private boolean forget(long tag, Pending pending) {
        boolean removed = unconfirmed.remove(tag, pending);
        if (pending.messageId != null) {
            byMessageId.remove(pending.messageId, pending);
        }
        if (removed) {
            closeIfRetiredAndSettled();
        }
        return removed;
    }

    private void closeIfRetiredAndSettled() {
        if (retired && unconfirmed.isEmpty() && channel.isOpen()) {
            // Off this thread: it may be the connection's own, which the close waits for.
            CompletableFuture.runAsync(() -> close(1_000));
        }
    }

    private AMQP.BasicProperties stamped(AMQP.BasicProperties properties, long tag) {
        AMQP.BasicProperties base = properties == null ? new AMQP.BasicProperties() : properties;
        Map<String, Object> headers = new HashMap<>(base.getHeaders() == null ? Map.of() : base.getHeaders());
        headers.put(sequenceHeader, tag);
        return base.builder().headers(headers).build();
    }
}
