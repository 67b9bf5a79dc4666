package io.seatbooking.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;

import io.seatbooking.messaging.ConfirmChannel.Pending;

/**
 * Publishes messages with publisher confirms and the {@code mandatory} flag, many in flight at
 * once, and tells the outcome of each: the future completes when the broker confirmed the
 * message (routed to at least one queue and stored there), and fails with a
 * {@link PublishFailure} when it nacked it, returned it as unroutable, did not confirm it in time,
 * or the channel closed first. It never publishes a message again by itself: the caller decides
 * what a failure means. The one confirm-mode publisher of this service: the outbox relay and the
 * retry path of the failure channel each own one.
 *
 * <p>A return names no publish, so it is matched to its message in one of two ways, chosen at
 * construction: by message id (the message goes out exactly as given; the caller keeps message
 * ids present and unique among the messages awaiting a confirm, and a publish that breaks this
 * fails at once, unsent), or by the channel's sequence number, stamped in a header of the
 * caller's naming (right whatever the message ids are).
 *
 * <p>A channel on which the broker nacked a message takes nothing new: {@link #isOpen()} answers
 * false, and {@link #open()} opens a fresh channel while the old one stays open until what it sent
 * is settled (see {@link ConfirmChannel#wasNacked()} for why).
 *
 * <p>Publishing happens on one dedicated thread (a socket write can block under broker flow
 * control), never on the caller's; confirms arrive on the client's connection thread, and the
 * futures complete there: a Vert.x caller hops back to its context itself. All methods are
 * thread-safe and none blocks.
 */
public final class ConfirmingPublisher {

    private static final Logger LOG = Logger.getLogger(ConfirmingPublisher.class);

    /** One message to publish, with the properties it goes out with. */
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

    private final RabbitConnections connections;
    private final String purpose;
    private final String sequenceHeader;
    private final ExecutorService io;
    private volatile ConfirmChannel current;
    // Channels that take no new publishes but may still await confirms (see ConfirmChannel#retire).
    private final Queue<ConfirmChannel> retired = new ConcurrentLinkedQueue<>();

    /**
     * A publisher that matches returns by message id, and sends every message exactly as given.
     * {@code purpose} names its connection and thread.
     */
    public ConfirmingPublisher(RabbitConnections connections, String purpose) {
        this(connections, purpose, null);
    }

    private ConfirmingPublisher(RabbitConnections connections, String purpose, String sequenceHeader) {
        this.connections = connections;
        this.purpose = purpose;
        this.sequenceHeader = sequenceHeader;
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "publisher-" + purpose);
            t.setDaemon(true);
            // Not the priority of the thread that first publishes, which may be the request path's
            // lowered one (platform/RequestPathPriority).
            t.setPriority(Thread.NORM_PRIORITY);
            return t;
        });
    }

    /**
     * A publisher that stamps each message's publish sequence number in the header
     * {@code sequenceHeader} (replacing any value there) and matches returns by it, for messages
     * whose ids may repeat or be absent.
     */
    public static ConfirmingPublisher stampingSequence(RabbitConnections connections, String purpose,
            String sequenceHeader) {
        return new ConfirmingPublisher(connections, purpose, sequenceHeader);
    }

    /**
     * Whether a channel is open for publishing: open, and not nacked by the broker (a nacked
     * channel takes nothing new; {@link #open()} replaces it).
     */
    public boolean isOpen() {
        ConfirmChannel c = current;
        return c != null && c.isOpen() && !c.wasNacked();
    }

    /** Opens the connection and a confirming channel unless open. */
    public CompletableFuture<Void> open() {
        return CompletableFuture.runAsync(() -> {
            try {
                ensureOpen();
            } catch (Exception e) {
                throw new IllegalStateException("cannot open a publishing channel: " + e.getMessage(), e);
            }
        }, io);
    }

    /**
     * Publishes the messages in order, each mandatory, on the channel {@link #open()} opened
     * (without one, or when the broker nacked a message on it, they fail with CONNECTION_LOST).
     * Answers one future per message, in the same order; a message that waits too long fails
     * only through {@link #failOlderThan}.
     */
    public List<CompletableFuture<Void>> publishAll(List<Outgoing> messages) {
        List<Pending> pendings = new ArrayList<>(messages.size());
        messages.forEach(m -> pendings.add(new Pending()));
        io.execute(() -> {
            ConfirmChannel channel = current;
            for (int i = 0; i < messages.size(); i++) {
                if (channel == null || !channel.isOpen() || channel.wasNacked()) {
                    pendings.get(i).fail(new PublishFailure(FailureKind.CONNECTION_LOST,
                            channel != null && channel.isOpen() ? "the channel was nacked; a fresh one takes what follows"
                                    : "no open channel"));
                } else {
                    channel.publish(messages.get(i), pendings.get(i));
                }
            }
        });
        return pendings.stream().map(p -> p.result).toList();
    }

    /**
     * Publishes one message, mandatory, opening the connection first when none is open (again
     * after one was lost). Fails with TIMED_OUT when the broker has not confirmed it within
     * {@code timeout} of this call, opening included; a message still waiting for the publishing
     * thread then is not sent at all.
     */
    public CompletableFuture<Void> publish(Outgoing message, Duration timeout) {
        Pending pending = new Pending();
        io.execute(() -> {
            ConfirmChannel channel;
            try {
                channel = ensureOpen();
            } catch (Exception e) {
                pending.fail(new PublishFailure(FailureKind.CONNECTION_LOST, "cannot open a publishing channel: " + e));
                return;
            }
            channel.publish(message, pending);
        });
        // The timer runs the tiny fail step on its own thread: the publishing thread may be stuck in a write.
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, Runnable::run).execute(() -> pending
                .fail(new PublishFailure(FailureKind.TIMED_OUT, "no confirm within " + timeout.toMillis() + " ms")));
        return pending.result;
    }

    /**
     * Fails every message unconfirmed for longer than {@code timeoutNanos}, on the current
     * channel and on those retired after a nack; answers how many.
     */
    public int failOlderThan(long timeoutNanos) {
        long now = System.nanoTime();
        retired.removeIf(r -> !r.isOpen());
        int failed = 0;
        for (ConfirmChannel r : retired) {
            failed += r.failOlderThan(now, timeoutNanos);
        }
        ConfirmChannel c = current;
        return c == null ? failed : failed + c.failOlderThan(now, timeoutNanos);
    }

    /**
     * Closes the connection at once; messages not yet confirmed fail with CONNECTION_LOST. A
     * relay that lost its role calls this so that nothing more leaves it.
     */
    public CompletableFuture<Void> abort() {
        List<ConfirmChannel> closing = new ArrayList<>();
        ConfirmChannel c = current;
        current = null;
        if (c != null) {
            closing.add(c);
        }
        for (ConfirmChannel r; (r = retired.poll()) != null;) {
            closing.add(r);
        }
        // Off the caller's thread: closing waits for the broker (up to 2 s).
        CompletableFuture<?>[] done = closing.stream().map(ch -> CompletableFuture.runAsync(() -> ch.close(2_000)))
                .toArray(CompletableFuture[]::new);
        closing.forEach(ch -> ch.failAll("channel closed by the application"));
        return CompletableFuture.allOf(done);
    }

    /** Closes the connection and stops the publishing thread. */
    public CompletableFuture<Void> shutdown() {
        return abort().whenComplete((ok, failure) -> io.shutdownNow());
    }

    // On the publishing thread only.
    private ConfirmChannel ensureOpen() throws Exception {
        ConfirmChannel c = current;
        if (c != null && c.isOpen() && !c.wasNacked()) {
            return c;
        }
        current = null;
        if (c != null && c.isOpen()) {
            // Nacked: what it sent keeps its chance of a confirm; what follows goes on a fresh channel.
            LOG.warnf("Publishing channel (%s) got a nack from the broker; publishing on a fresh channel", purpose);
            retired.add(c);
            c.retire();
        } else if (c != null) {
            c.failAll("the channel closed");
            c.close(1_000);
        }
        ConfirmChannel opened = ConfirmChannel.open(connections, purpose, sequenceHeader);
        current = opened;
        return opened;
    }
}
