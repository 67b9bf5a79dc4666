package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.outbox.OutboxConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes every committed outbox row to the broker, marks it published only after the
 * broker confirmed it, and never drops one.
 *
 * <p><b>Order.</b> At most one message per subject is unconfirmed at any time, and a subject's
 * next row is claimed only after its previous row was confirmed and marked
 * ({@link RelayWindow}). Since rows of one subject are committed in sequence order (each change
 * is a conditional update of the same aggregate row), the first copy of each event reaches the
 * broker in sequence order, whatever fails and whichever replica publishes. Failures and
 * failovers can only add duplicates (same message id), never reorder.
 *
 * <p><b>Role.</b> Only the holder of the {@link RelayLease} publishes: claims are fenced by the
 * lease epoch in SQL, and the holder stops and closes its broker connection when its local
 * lease deadline ({@link LeaseDeadline}) passes without renewal.
 *
 * <p><b>Flow.</b> A sliding window of up to {@code max-in-flight} unconfirmed messages: claims
 * run whenever the window has room and there may be work (a NOTIFY, a confirm, the fallback
 * poll), above a cursor while nothing can have appeared below it. Confirms are marked in batches.
 * A nack, return, timeout or lost connection leaves the row pending and pauses claiming for a
 * capped, jittered exponential backoff ({@link RelayBackoff}). The {@link RelayPump} runs this.
 *
 * <p>This class keeps the role and the lifecycle. All state lives on one Vert.x context;
 * methods hop onto it.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Vertx vertx;
    private final RelayLease lease;
    private final ConfirmingPublisher publisher;
    private final OutboxConfig.Relay config;
    private final RelayMetrics metrics;
    private final Context context;
    private final RareWarnings warnings = new RareWarnings(LOG, System::nanoTime);
    private final RelayPump pump;

    private boolean running;
    private boolean leader;
    private long leaseTimer = -1;
    private boolean leaseCheckUnderway;
    private Duration leaseCheckTimeout = Duration.ofSeconds(3);
    private long pollTimer = -1;

    public OutboxRelay(Vertx vertx, OutboxRepository outbox, RelayLease lease, ConfirmingPublisher publisher,
            OutboxConfig.Relay config, RelayMetrics metrics, InstantSource clock, PublishTracing tracing) {
        this.vertx = vertx;
        this.lease = lease;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.context = vertx.getOrCreateContext();
        this.pump = new RelayPump(context, new PumpRole(), outbox, publisher,
                new RelayMessages(tracing, metrics, clock), config, warnings);
    }

    /** Starts contending for the lease, and relaying while it is held. */
    public void start(long leaseRenewMillis) {
        context.runOnContext(v -> {
            running = true;
            leaseCheckTimeout = Duration.ofMillis(3 * leaseRenewMillis);
            leaseTick();
            leaseTimer = vertx.setPeriodic(leaseRenewMillis, id -> leaseTick());
            pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> {
                if (publisher.failOlderThan(config.confirmTimeout().toNanos()) > 0) {
                    // A broker that keeps a confirm for that long is unreachable or stuck, and a
                    // connection that stalls (rather than closes) may never fail by itself; its
                    // publishing thread may even block in a socket write. Drop it and open anew.
                    LOG.warnf("Relay %s: confirms overdue after %s; reconnecting to the broker", lease.owner(),
                            config.confirmTimeout());
                    publisher.abort();
                }
                pump.wake();
            });
        });
    }

    /** There may be new rows (a NOTIFY arrived). */
    public void wake() {
        // The committed row may have an id below the cursor (its transaction took the id before
        // others that committed first): the pump's next claim is a full one.
        context.runOnContext(v -> pump.wake());
    }

    /** Whether this replica currently holds the relay role. */
    public boolean isLeader() {
        return leader;
    }

    /** Whether the broker connection of the active relay is open. */
    public boolean isBrokerConnected() {
        return publisher.isOpen();
    }

    /** The lease owner id of this relay. */
    public String owner() {
        return lease.owner();
    }

    /**
     * Graceful stop: claims nothing more, waits (bounded by drain-timeout) for the confirms of
     * what is in flight and marks them, then releases the lease so that another replica takes
     * over at once, and closes the broker connection.
     */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        context.runOnContext(v -> {
            running = false;
            vertx.cancelTimer(leaseTimer);
            vertx.cancelTimer(pollTimer);
            CompletableFuture<Void> drained = pump.drained();
            long timer = vertx.setTimer(config.drainTimeout().toMillis(), id -> drained.complete(null));
            drained.whenComplete((ignored, e) -> context.runOnContext(x -> {
                vertx.cancelTimer(timer);
                lease.release().onFailure().recoverWithNull()
                        .subscribe().with(done -> {
                            leader = false;
                            metrics.leader(false);
                            publisher.shutdown().whenComplete((ignoredResult, ignoredFailure) -> stopped.complete(null));
                        });
            }));
        });
        return stopped;
    }

    /**
     * Crash-like stop for tests: stops at once without draining or releasing the lease, as a
     * killed process would (the lease then expires on its own).
     */
    public CompletableFuture<Void> kill() {
        CompletableFuture<Void> killed = new CompletableFuture<>();
        context.runOnContext(v -> {
            running = false;
            vertx.cancelTimer(leaseTimer);
            vertx.cancelTimer(pollTimer);
            lease.forget();
            leader = false;
            metrics.leader(false);
            publisher.shutdown().whenComplete((ignoredResult, ignoredFailure) -> killed.complete(null));
        });
        return killed;
    }

    private void leaseTick() {
        // One lease check at a time: on a slow database a tick can outlast the renew interval, and
        // an acquisition still under way when the next tick fires must not be taken for a lost
        // lease (the next tick's acquire finds the lease held, by this very replica).
        if (!running || leaseCheckUnderway) {
            return;
        }
        leaseCheckUnderway = true;
        boolean renewing = leader;
        Uni<Boolean> held = (renewing ? lease.renew() : lease.tryAcquire().map(Optional::isPresent))
                // A check that never answers (a stalled connection) must not stop the ticks for good.
                .ifNoItem().after(leaseCheckTimeout).fail();
        held.subscribe().with(ok -> context.runOnContext(v -> {
            leaseCheckUnderway = false;
            if (ok && !leader && running) {
                becomeLeader();
            } else if (!ok && leader && renewing) {
                stepDown("the lease was lost");
            }
        }), failure -> context.runOnContext(v -> {
            leaseCheckUnderway = false;
            warnings.warn("Relay lease check failed: " + failure);
            if (leader && lease.heldToken().isEmpty()) {
                stepDown("the lease could not be renewed in time");
            }
        }));
    }

    private void becomeLeader() {
        leader = true;
        metrics.leader(true);
        LOG.infof("Relay %s holds the outbox lease; publishing", lease.owner());
        pump.gained();
    }

    private void stepDown(String why) {
        LOG.warnf("Relay %s stops publishing: %s", lease.owner(), why);
        leader = false;
        metrics.leader(false);
        lease.forget();
        pump.lost();
    }

    /** The role as the pump sees it: claims only while running and leading, within the local deadline. */
    private final class PumpRole implements RelayPump.Role {
        @Override
        public Optional<RelayLease.Token> claimToken(String whyIfPassed) {
            if (!running || !leader) {
                return Optional.empty();
            }
            Optional<RelayLease.Token> token = lease.heldToken();
            if (token.isEmpty()) {
                stepDown(whyIfPassed);
            }
            return token;
        }

        @Override
        public boolean isLeader() {
            return leader;
        }
    }
}
