package io.seatbooking.payments;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.messaging.RabbitConnections;
import io.seatbooking.platform.FinishingWorkLoad;

/**
 * How many payments wait in {@code booking.payments} for a consumer, and for how long they piled
 * up: from a count above {@code payments.backlog.threshold} that rose there within
 * {@code payments.backlog.trend-window}, until the count is at the threshold again
 * ({@link #building}). A thread of its own asks the broker every
 * {@code payments.backlog.check-interval} (a passive declare, on an AMQP connection of its own),
 * and the write path's admission control, with {@code admission.payments-first}, reads the time
 * to give payments room before new holds. Every replica sees the same queue, so all of them make
 * room. While the broker cannot be asked, no backlog is assumed: holds are not shed for a count
 * nobody knows. The last count is the gauge {@code payments.backlog}.
 */
@Singleton
public class PaymentsBacklog implements FinishingWorkLoad {

    private static final Logger LOG = Logger.getLogger(PaymentsBacklog.class);
    /** How long after a failed question the broker is asked again. */
    static final long RETRY_NANOS = 1_000_000_000L;
    /** An answer slower than this counts as none. */
    static final long SLOW_NANOS = 1_000_000_000L;
    /** No count: the broker did not answer (in time). */
    static final long UNKNOWN = -1;

    private final RabbitConnections connections;
    private final PaymentsConfig.Backlog config;
    private final String queue;
    private final boolean wanted;
    private final AtomicLong backlog = new AtomicLong();
    private volatile long waiting;
    private ScheduledExecutorService thread;
    // Only the checking thread touches these.
    private Connection connection;
    private Channel channel;
    private long lastCheck;
    private boolean building;
    /** The counts of the last trend window, oldest first ({@link #UNKNOWN} where none). */
    private final long[] recent;
    private boolean failing;
    private long retryAt;

    /** Asks the broker only if the write path reads the answer ({@code admission.payments-first}). */
    @Inject
    public PaymentsBacklog(RabbitConnections connections, PaymentsConfig config, MeterRegistry registry,
            @ConfigProperty(name = "admission.payments-first", defaultValue = "true") boolean wanted) {
        this(connections, config.backlog(), registry, PaymentsTopology.WORK_QUEUE, wanted);
    }

    /** Watching {@code queue} (tests watch a queue of their own). */
    PaymentsBacklog(RabbitConnections connections, PaymentsConfig.Backlog config, MeterRegistry registry, String queue,
            boolean wanted) {
        this.connections = connections;
        this.config = config;
        this.queue = queue;
        this.wanted = wanted;
        this.lastCheck = System.nanoTime();
        long interval = config.checkInterval().toNanos();
        this.recent = new long[interval <= 0 ? 1 : (int) Math.max(1, config.trendWindow().toNanos() / interval)];
        Arrays.fill(recent, UNKNOWN);
        Gauge.builder("payments.backlog", this, b -> b.waiting)
                .description("Payments waiting in booking.payments for a consumer, as last asked of the broker")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        long interval = config.checkInterval().toNanos();
        if (!wanted || interval <= 0) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "payments-backlog");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.NANOSECONDS);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (thread != null) {
            thread.shutdownNow();
            if (thread.awaitTermination(2, TimeUnit.SECONDS)) {
                close();
            }
            thread = null;
        }
    }

    @Override
    public long backlogNanos() {
        return backlog.get();
    }

    /** The last count asked of the broker (0 while it cannot be asked). */
    long waiting() {
        return waiting;
    }

    /**
     * One question to the broker; the time since the last one counts as backlog if the answer is
     * one ({@link #building}). After a failed question the broker is asked again only
     * {@link #RETRY_NANOS} later, so that an outage is not met with ten connection attempts a
     * second. An answer that took longer than {@link #SLOW_NANOS} (a stalled broker node) counts as
     * no answer: it describes no moment in particular.
     */
    void check() {
        long start = System.nanoTime();
        long count = failing && start - retryAt < 0 ? UNKNOWN : ask();
        long now = System.nanoTime();
        if (now - start > SLOW_NANOS) {
            count = UNKNOWN;
        }
        waiting = Math.max(0, count);
        boolean was = building;
        building = building(was, count, recent, config.threshold(), !config.trendWindow().isZero());
        if (building != was) {
            LOG.debugf("Payments backlog %s: %d waiting", building ? "building" : "over", count);
        }
        System.arraycopy(recent, 1, recent, 0, recent.length - 1);
        recent[recent.length - 1] = count;
        if (count > config.threshold() && building) {
            backlog.addAndGet(now - lastCheck);
        }
        lastCheck = now;
    }

    /**
     * Whether payments are piling up after a check that found {@code count} waiting ({@link #UNKNOWN}
     * if the broker did not answer), given whether they were before it and the counts of the last
     * trend window ({@code recent}, oldest first). A backlog builds when more than
     * {@code threshold} wait and, with {@code trend}, the count rose to that from a short queue
     * within the window, or grew by more than {@code threshold} over it; it lasts until no more
     * than {@code threshold} wait. A backlog that only shrinks does not count: that is the one an
     * outage leaves behind, the payments held back coming in at once to consumers that drain it
     * (braking new holds for it would shed customers for nothing). Without an answer nothing
     * changes, and a missing count is neither short nor smaller, so the first answer after an outage
     * is not taken for growth.
     */
    static boolean building(boolean was, long count, long[] recent, int threshold, boolean trend) {
        if (count == UNKNOWN) {
            return was;
        }
        if (count <= threshold) {
            return false;
        }
        if (was || !trend) {
            return true;
        }
        for (long before : recent) {
            if (before != UNKNOWN && before <= threshold) {
                return true;
            }
        }
        long oldest = recent[0];
        return oldest != UNKNOWN && count - oldest > threshold;
    }

    /** The broker's count, or {@link #UNKNOWN} if it cannot be asked. */
    private long ask() {
        try {
            long count = waitingNow();
            if (failing) {
                LOG.infof("Payments backlog: the broker answers again (%d waiting)", count);
                failing = false;
            }
            return count;
        } catch (IOException | TimeoutException | RuntimeException e) {
            if (!failing) {
                LOG.warnf("Payments backlog: cannot ask the broker, assuming none until it answers: %s", e.toString());
                failing = true;
            }
            retryAt = System.nanoTime() + RETRY_NANOS;
            close();
            return UNKNOWN;
        }
    }

    private long waitingNow() throws IOException, TimeoutException {
        if (channel == null || !channel.isOpen()) {
            close();
            connection = connections.open("payments-backlog");
            channel = connection.createChannel();
        }
        return channel.messageCount(queue);
    }

    private void close() {
        if (connection != null) {
            try {
                connection.abort(1_000);
            } catch (RuntimeException e) {
                LOG.debug("Closing the payments backlog connection", e);
            }
        }
        connection = null;
        channel = null;
    }
}
