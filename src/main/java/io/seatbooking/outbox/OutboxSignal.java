package io.seatbooking.outbox;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.seatbooking.db.Pools;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Tells the relays that outbox rows were committed: the relay of this replica at once, in the
 * process, and the relays of every replica by a {@code NOTIFY} on {@link OutboxWriter#NOTIFY_CHANNEL}
 * sent after the commit, from a connection of its own, at most one at a time and at most one per
 * {@code outbox.notify-spacing}, however many commits it stands for.
 *
 * <p>Why not a {@code NOTIFY} in the writing transaction, as before: PostgreSQL serializes the
 * commits of notifying transactions (each holds a database-wide lock from before its commit
 * record until after its WAL flush), so every booking's commit waited for the previous one's
 * flush. pgbench running the service's booking SQL did 939 and 974 bookings/s with the
 * {@code pg_notify} in both transactions and 1,469 and 1,459 without it (2026-12-06, 15 s each,
 * 20 connections); under the service, "Lock: object" was the wait of most active backends.
 * Sessions of this connection do not wait for their commit's flush ({@code synchronous_commit=off}):
 * a notification is a hint, and a lost one costs a fallback poll, never an event.
 *
 * <p>No {@code NOTIFY} while this replica's relay holds every partition: no other relay has
 * anything to claim then, and one that takes a partition later claims it in full when it does.
 * With one replica that saves PostgreSQL a transaction, and a notification to every listener, for
 * nearly every commit under load.
 */
@Singleton
public class OutboxSignal {

    private static final Logger LOG = Logger.getLogger(OutboxSignal.class);

    private static final String NOTIFY = "NOTIFY " + OutboxWriter.NOTIFY_CHANNEL;

    private final Pools pools;
    private final Vertx vertx;
    private final OutboxConfig config;
    private final Coalesced notify = new Coalesced(this::sendNotify, this::pause);
    private volatile Here here = Here.NONE;
    private volatile Pool pool;

    public OutboxSignal(Pools pools, Vertx vertx, OutboxConfig config) {
        this.pools = pools;
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * Rows were committed, the lowest of their ids {@code lowestId} (call it only once the
     * transaction that wrote them has committed).
     */
    public void committed(long lowestId) {
        Here relay = here;
        relay.wake().accept(lowestId);
        if (!relay.alone().getAsBoolean()) {
            notify.request();
        }
    }

    /**
     * The relay of this replica: {@code wake} runs at every commit, with the lowest id it wrote,
     * and while {@code alone} answers true (it holds every partition) no NOTIFY is sent.
     */
    public void relayHere(LongConsumer wake, BooleanSupplier alone) {
        here = new Here(wake, alone);
    }

    /** This replica relays no more: every commit sends its NOTIFY. */
    public void noRelayHere() {
        here = Here.NONE;
    }

    private record Here(LongConsumer wake, BooleanSupplier alone) {
        static final Here NONE = new Here(id -> {
        }, () -> false);
    }

    private void sendNotify(Runnable done) {
        Pool notifying = pool();
        notifying.query(NOTIFY).execute().onComplete(result -> {
            if (result.failed()) {
                LOG.debugf("NOTIFY after commit failed (the relays' fallback poll finds the rows): %s",
                        result.cause().toString());
            }
            done.run();
        });
    }

    private void pause(Runnable then) {
        long millis = Math.max(1, config.notifySpacing().toMillis());
        vertx.setTimer(millis, id -> then.run());
    }

    private Pool pool() {
        Pool made = pool;
        if (made == null) {
            synchronized (this) {
                made = pool;
                if (made == null) {
                    made = pools.signalPool();
                    pool = made;
                }
            }
        }
        return made;
    }

    /**
     * Requests folded into sends: a request while nothing is sent sends at once; requests while a
     * send runs are answered by one more send, after a pause, that starts after all of them.
     */
    static final class Coalesced {
        private static final int IDLE = 0;
        private static final int SENDING = 1;
        private static final int SENDING_AND_WANTED = 2;

        private final AtomicInteger state = new AtomicInteger(IDLE);
        private final Consumer<Runnable> send;
        private final Consumer<Runnable> pause;

        /**
         * @param send sends, then runs its argument once done, whatever the outcome
         * @param pause runs its argument after the pause between two sends
         */
        Coalesced(Consumer<Runnable> send, Consumer<Runnable> pause) {
            this.send = send;
            this.pause = pause;
        }

        void request() {
            while (true) {
                int now = state.get();
                if (now == IDLE && state.compareAndSet(IDLE, SENDING)) {
                    send.accept(this::sent);
                    return;
                }
                if (now == SENDING_AND_WANTED || (now == SENDING && state.compareAndSet(SENDING, SENDING_AND_WANTED))) {
                    return;
                }
            }
        }

        private void sent() {
            if (state.compareAndSet(SENDING, IDLE)) {
                return;
            }
            state.set(SENDING);
            pause.accept(() -> send.accept(this::sent));
        }
    }
}
