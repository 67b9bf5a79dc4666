package io.seatbooking.payments;

import java.io.IOException;
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
 * How many payments wait in {@code booking.payments} for a consumer, and for how long more than
 * {@code payments.backlog.threshold} did: a thread of its own asks the broker every
 * {@code payments.backlog.check-interval} (a passive declare, on an AMQP connection of its own),
 * and the write path's admission control, with {@code admission.payments-first}, reads the time to
 * give payments room before new holds. Every replica sees the same queue, so all of them make room.
 * While the broker cannot be asked, no backlog is assumed: holds are not shed for a count nobody
 * knows. The last count is the gauge {@code payments.backlog}.
 */
@Singleton
public class PaymentsBacklog implements FinishingWorkLoad {

    private static final Logger LOG = Logger.getLogger(PaymentsBacklog.class);
    /** How long after a failed question the broker is asked again. */
    static final long RETRY_NANOS = 1_000_000_000L;

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
    private boolean failing;
    private long retryAt;

    /** Asks the broker only if the write path reads the answer ({@code admission.payments-first}). */
    @Inject
    public PaymentsBacklog(RabbitConnections connections, PaymentsConfig config, MeterRegistry registry,
            @ConfigProperty(name = "admission.payments-first", defaultValue = "false") boolean wanted) {
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
     * one. After a failed question the broker is asked again only {@link #RETRY_NANOS} later, so
     * that an outage is not met with ten connection attempts a second.
     */
    void check() {
        long count = failing && System.nanoTime() - retryAt < 0 ? 0 : ask();
        long now = System.nanoTime();
        waiting = count;
        if (count > config.threshold()) {
            backlog.addAndGet(now - lastCheck);
        }
        lastCheck = now;
    }

    /** The broker's count, or 0 if it cannot be asked. */
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
            return 0;
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
