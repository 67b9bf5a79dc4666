package io.seatbooking.outbox.relay;

import org.jboss.logging.Logger;

import io.seatbooking.outbox.OutboxWriter;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * LISTENs on the outbox channel on a dedicated connection and calls back on every NOTIFY.
 * Reconnects forever after a lost connection, and calls back after each (re)subscription too,
 * since notifications sent while disconnected are lost (the relay's poll covers the gap).
 */
public final class OutboxNotifications {

    private static final Logger LOG = Logger.getLogger(OutboxNotifications.class);

    private static final long RETRY_MILLIS = 1_000;

    private final Vertx vertx;
    private final PgSubscriber subscriber;
    private volatile boolean stopped;

    public OutboxNotifications(Vertx vertx, PgConnectOptions options, Runnable onNotify) {
        this.vertx = vertx;
        this.subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(attempt -> 1_000L);
        subscriber.channel(OutboxWriter.NOTIFY_CHANNEL)
                .subscribeHandler(v -> onNotify.run())
                .handler(payload -> onNotify.run());
        subscriber.closeHandler(v -> LOG.debug("Outbox LISTEN connection closed"));
    }

    /** Connects and subscribes; retries in the background when the database is unreachable. */
    public void start() {
        if (stopped) {
            return;
        }
        subscriber.connect().onFailure(e -> {
            // The reconnect policy covers connections lost after a first success; retry the
            // first one here. Meanwhile the relay's poll keeps the outbox moving.
            LOG.warnf("Outbox LISTEN connection failed, polling until it is back: %s", e.getMessage());
            vertx.setTimer(RETRY_MILLIS, id -> start());
        });
    }

    public void stop() {
        stopped = true;
        subscriber.close();
    }
}
