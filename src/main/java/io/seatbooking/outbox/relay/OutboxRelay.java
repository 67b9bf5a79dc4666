package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p><b>Role.</b> Every replica relays the partitions it holds ({@link RelayLease}): subjects
 * hash into a fixed number of partitions, the replicas share them evenly ({@link PartitionShare}),
 * and a replica publishes only rows of its own partitions: claims are fenced by each partition's
 * epoch in SQL, and the holder stops and closes its broker connection when its local deadline
 * ({@link LeaseDeadline}) passes without renewal. A partition it gives up (another replica
 * joined) is released only once nothing of it is in flight here, and then taken at once by the
 * replica short of its share.
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
    /** A wake-up is queued on the context and has not started: later ones ride on it. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** The lowest id the commits of the queued wake-up wrote; 0 when one of them was a NOTIFY. */
    private final AtomicLong wokenFrom = new AtomicLong(Long.MAX_VALUE);

    private boolean running;
    private boolean leader;
    private long leaseTimer = -1;
    private boolean leaseCheckUnderway;
    private Duration leaseCheckTimeout = Duration.ofSeconds(3);
    private long pollTimer = -1;
    private long brokerClosedSince = -1;
    private boolean standingAside;
    private boolean probingBroker;

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

    /**
     * There may be new rows anywhere, possibly below the cursor (a NOTIFY arrived): the next
     * claim is a full one. Called from any thread; see {@link #wakeFrom}.
     */
    public void wake() {
        wakeFrom(0);
    }

    /**
     * A commit of this replica wrote rows, the lowest of them {@code lowestId}. Called from any
     * thread, at every commit: wake-ups that come while one is queued and not yet started fold
     * into it (it runs after them, so its claim sees their rows, reading from the lowest id any of
     * them wrote), and only one task a time crosses to the relay's event loop.
     */
    public void wakeFrom(long lowestId) {
        wokenFrom.accumulateAndGet(lowestId, Math::min);
        if (wakeQueued.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                wakeQueued.set(false);
                long from = wokenFrom.getAndSet(Long.MAX_VALUE);
                // A committed row may have an id below the cursor (its transaction took the id
                // before others that committed first): the claim reads from the lowest one.
                if (from == 0) {
                    pump.wake();
                } else if (from != Long.MAX_VALUE) {
                    pump.wakeFrom(from);
                }
            });
        }
    }

    /** Whether this replica currently relays: it holds at least one partition. */
    public boolean isLeader() {
        return leader;
    }

    /** The partitions this replica holds. */
    public Set<Integer> partitions() {
        return lease.held();
    }

    /**
     * Whether this replica relays alone: it holds every partition, so no other replica's relay has
     * anything to claim. Any thread may ask.
     */
    public boolean relaysAlone() {
        return lease.holdsEveryPartition();
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
                            metrics.partitions(0);
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
            metrics.partitions(0);
            publisher.shutdown().whenComplete((ignoredResult, ignoredFailure) -> killed.complete(null));
        });
        return killed;
    }

    private void leaseTick() {
        // One lease check at a time: on a slow database a tick can outlast the renew interval, and
        // an acquisition still under way when the next tick fires must not be taken for a lost
        // lease (the next tick's acquire finds the partitions held, by this very replica).
        if (!running || leaseCheckUnderway) {
            return;
        }
        if (standAsideWhileTheBrokerIsUnreachable()) {
            return;
        }
        leaseCheckUnderway = true;
        // A check that never answers (a stalled connection) must not stop the ticks for good.
        lease.heartbeat().ifNoItem().after(leaseCheckTimeout).fail().subscribe().with(
                standing -> context.runOnContext(v -> share(standing)),
                failure -> context.runOnContext(v -> leaseCheckFailed(failure)));
    }

    /**
     * A replica whose broker connection has stayed closed for {@code step-aside-after} holds its
     * partitions hostage: it gives them up and stops its heartbeat, so that the others' shares
     * grow and they take them. Meanwhile each tick tries the broker; once a connection opens, the
     * replica joins again (its next tick's heartbeat). Answers whether it stands aside now.
     */
    private boolean standAsideWhileTheBrokerIsUnreachable() {
        long now = System.nanoTime();
        if (publisher.isOpen()) {
            brokerClosedSince = -1;
            if (standingAside) {
                standingAside = false;
                LOG.infof("Relay %s reaches the broker again; taking its share of the partitions", lease.owner());
            }
            return false;
        }
        if (brokerClosedSince < 0) {
            brokerClosedSince = now;
        }
        if (!standingAside && leader && now - brokerClosedSince >= config.stepAsideAfter().toNanos()) {
            standingAside = true;
            stepDown("the broker has been unreachable for " + config.stepAsideAfter()
                    + "; giving the partitions to the other replicas");
            leaseCheckUnderway = true;
            lease.release().onFailure().recoverWithNull().subscribe().with(done -> context.runOnContext(
                    v -> leaseCheckUnderway = false));
        }
        if (standingAside && !probingBroker) {
            probingBroker = true;
            publisher.open().whenComplete((ok, failure) -> context.runOnContext(v -> probingBroker = false));
        }
        return standingAside;
    }

    /** Gives up what is above this replica's share once it is settled here, and takes what is missing. */
    private void share(RelayLease.Standing standing) {
        if (!standing.lost().isEmpty() && leader) {
            // Only a pause longer than the local deadline, or an operator, takes partitions away
            // from a renewing holder: start over (the acquisition below takes its own ones back).
            stepDown("partitions " + new TreeSet<>(standing.lost()) + " were lost");
        }
        PartitionShare share = PartitionShare.decide(lease.held(), lease.leaving(), standing.quota());
        lease.leave(share.leave());
        Set<Integer> settled = new HashSet<>(share.leave());
        settled.removeAll(pump.busyPartitions(lease.leaving()));
        Uni<Void> released = lease.release(settled);
        Uni<Set<Integer>> acquired = released.chain(() -> running && share.acquire() > 0
                ? lease.acquire(share.acquire())
                : Uni.createFrom().item(Set.<Integer> of()));
        acquired.ifNoItem().after(leaseCheckTimeout).fail().subscribe().with(
                gained -> context.runOnContext(v -> {
                    leaseCheckUnderway = false;
                    shared(gained);
                }),
                failure -> context.runOnContext(v -> leaseCheckFailed(failure)));
    }

    private void shared(Set<Integer> gained) {
        int held = lease.held().size();
        metrics.partitions(held);
        if (!running) {
            return;
        }
        if (!gained.isEmpty() && !leader) {
            becomeLeader();
        } else if (!gained.isEmpty()) {
            LOG.infof("Relay %s took outbox partitions %s; holds %d", lease.owner(), new TreeSet<>(gained), held);
            // The cursor may be above the pending rows of the partitions just taken.
            pump.wake();
        } else if (held == 0 && leader) {
            leader = false;
            metrics.leader(false);
            LOG.infof("Relay %s gave its last partition up; standing by", lease.owner());
        }
    }

    private void leaseCheckFailed(Throwable failure) {
        leaseCheckUnderway = false;
        warnings.warn("Relay lease check failed: " + failure);
        if (leader && lease.heldToken().isEmpty()) {
            stepDown("the lease could not be renewed in time");
        }
    }

    private void becomeLeader() {
        leader = true;
        metrics.leader(true);
        LOG.infof("Relay %s holds %d outbox partitions; publishing", lease.owner(), lease.held().size());
        pump.gained();
    }

    private void stepDown(String why) {
        LOG.warnf("Relay %s stops publishing: %s", lease.owner(), why);
        leader = false;
        metrics.leader(false);
        metrics.partitions(0);
        lease.forget();
        pump.lost();
    }

    /** The role as the pump sees it: claims only while running and leading, within the local deadline. */
    private final class PumpRole implements RelayPump.Role {
        @Override
        public Optional<RelayLease.Token> claimToken(String whyIfPassed) {
            if (!running || !leader || lease.held().isEmpty()) {
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
