package io.seatbooking.messaging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Publishes persistent messages with publisher confirms and the {@code mandatory} flag, many in
 * flight at once, and tells the outcome of each: the future completes when the broker confirmed
 * the message, and fails with a {@link PublishFailure} when it nacked it, returned it as
 * unroutable, did not confirm it in time, or the channel closed first. It never publishes a
 * message again by itself: the caller decides what a failure means.
 *
 * <p>Publishing happens on one dedicated thread (a socket write can block under broker flow
 * control); confirms arrive on the client's connection thread. All methods are thread-safe.
 */
public final class ConfirmingPublisher {

    private static final Logger LOG = Logger.getLogger(ConfirmingPublisher.class);

    /** One message to publish. {@code properties} must carry the message id. */
    public record Outgoing(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    }

    /** Why a message was not confirmed. */
    public enum FailureKind {
        NACKED, RETURNED, TIMED_OUT, CONNECTION_LOST
    }

    /** The broker did not take responsibility for a message. */
    public static final class PublishFailure extends Exception {
        private final FailureKind kind;

        public PublishFailure(FailureKind kind, String detail) {
            super(kind + ": " + detail, null, false, false);
            this.kind = kind;
        }

        public FailureKind kind() {
            return kind;
        }
    }

    private static final class Pending {
        final String messageId;
        final CompletableFuture<Void> result = new CompletableFuture<>();
        final long sentAtNanos = System.nanoTime();
        volatile String returnedBecause;

        Pending(String messageId) {
            this.messageId = messageId;
        }
    }

    private final RabbitConnections connections;
    private final String purpose;
    private final ExecutorService io;
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final Map<String, Pending> byMessageId = new ConcurrentHashMap<>();
    private volatile Connection connection;
    private volatile Channel channel;

    public ConfirmingPublisher(RabbitConnections connections, String purpose) {
        this.connections = connections;
        this.purpose = purpose;
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "publisher-" + purpose);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a channel is open for publishing. */
    public boolean isOpen() {
        Channel c = channel;
        return c != null && c.isOpen();
    }

    /** Opens the connection and a confirming channel unless open. */
    public CompletableFuture<Void> open() {
        return CompletableFuture.runAsync(() -> {
            if (isOpen()) {
                return;
            }
            closeQuietly();
            try {
                Connection c = connections.open(purpose);
                Channel ch = c.createChannel();
                ch.confirmSelect();
                ch.addConfirmListener(new ConfirmListener() {
                    @Override
                    public void handleAck(long tag, boolean multiple) {
                        settle(tag, multiple, null);
                    }

                    @Override
                    public void handleNack(long tag, boolean multiple) {
                        settle(tag, multiple, new PublishFailure(FailureKind.NACKED, "the broker nacked it"));
                    }
                });
                ch.addReturnListener(returned -> {
                    Pending pending = byMessageId.get(String.valueOf(returned.getProperties().getMessageId()));
                    if (pending != null) {
                        pending.returnedBecause = returned.getReplyCode() + " " + returned.getReplyText();
                    }
                });
                ch.addShutdownListener(cause -> failAll(cause));
                connection = c;
                channel = ch;
            } catch (Exception e) {
                throw new IllegalStateException("cannot open a publishing channel: " + e.getMessage(), e);
            }
        }, io);
    }

    /**
     * Publishes the messages in order, each persistent and mandatory. Answers one future per
     * message, in the same order.
     */
    public List<CompletableFuture<Void>> publishAll(List<Outgoing> messages) {
        List<Pending> pendings = new ArrayList<>(messages.size());
        List<CompletableFuture<Void>> results = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            Pending p = new Pending(m.properties().getMessageId());
            pendings.add(p);
            results.add(p.result);
        }
        io.execute(() -> {
            Channel ch = channel;
            for (int i = 0; i < messages.size(); i++) {
                Outgoing m = messages.get(i);
                Pending p = pendings.get(i);
                if (ch == null || !ch.isOpen()) {
                    p.result.completeExceptionally(new PublishFailure(FailureKind.CONNECTION_LOST, "no open channel"));
                    continue;
                }
                long tag = ch.getNextPublishSeqNo();
                unconfirmed.put(tag, p);
                byMessageId.put(p.messageId, p);
                try {
                    ch.basicPublish(m.exchange(), m.routingKey(), true, m.properties(), m.body());
                } catch (IOException | RuntimeException e) {
                    forget(tag, p);
                    p.result.completeExceptionally(new PublishFailure(FailureKind.CONNECTION_LOST, e.toString()));
                }
            }
        });
        return results;
    }

    /** Fails every message unconfirmed for longer than {@code timeoutNanos}; answers how many. */
    public int failOlderThan(long timeoutNanos) {
        long now = System.nanoTime();
        int[] failed = { 0 };
        unconfirmed.forEach((tag, p) -> {
            if (now - p.sentAtNanos > timeoutNanos) {
                forget(tag, p);
                failed[0]++;
                p.result.completeExceptionally(new PublishFailure(FailureKind.TIMED_OUT,
                        "no confirm within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
            }
        });
        return failed[0];
    }

    /** How many messages wait for their confirm. */
    public int unconfirmedCount() {
        return unconfirmed.size();
    }

    /**
     * Closes the connection at once; messages not yet confirmed fail with CONNECTION_LOST. A
     * relay that lost its role calls this so that nothing more leaves it.
     */
    public CompletableFuture<Void> abort() {
        Connection c = connection;
        channel = null;
        connection = null;
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            if (c != null) {
                c.abort(2_000);
            }
        });
        failAll(null);
        return done;
    }

    /** Closes the connection and stops the publishing thread. */
    public CompletableFuture<Void> shutdown() {
        return abort().whenComplete((ok, failure) -> io.shutdownNow());
    }

    private void settle(long tag, boolean multiple, PublishFailure failure) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Pending> settled = unconfirmed.headMap(tag, true);
            settled.forEach((t, p) -> complete(t, p, failure));
        } else {
            Pending p = unconfirmed.get(tag);
            if (p != null) {
                complete(tag, p, failure);
            }
        }
    }

    private void complete(long tag, Pending p, PublishFailure failure) {
        forget(tag, p);
        if (failure != null) {
            p.result.completeExceptionally(failure);
        } else if (p.returnedBecause != null) {
            p.result.completeExceptionally(new PublishFailure(FailureKind.RETURNED, p.returnedBecause));
        } else {
            p.result.complete(null);
        }
    }

    private void forget(long tag, Pending p) {
        unconfirmed.remove(tag);
        byMessageId.remove(p.messageId, p);
    }

    private void failAll(ShutdownSignalException cause) {
        if (cause != null && !cause.isInitiatedByApplication()) {
            LOG.warnf("Publishing channel (%s) closed: %s", purpose, cause.getMessage());
        }
        String why = cause == null ? "channel closed by the application" : String.valueOf(cause.getMessage());
        unconfirmed.forEach((tag, p) -> {
            forget(tag, p);
            p.result.completeExceptionally(new PublishFailure(FailureKind.CONNECTION_LOST, why));
        });
    }

    private void closeQuietly() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            c.abort(1_000);
        }
    }
}
