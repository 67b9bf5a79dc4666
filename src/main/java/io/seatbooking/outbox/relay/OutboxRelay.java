package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.outbox.OutboxConfig;
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
 * <p><b>Role.</b> Subjects hash into a fixed number of partitions, each with its own fenced lease
 * ({@link PartitionLeases}); the relaying replicas share them evenly ({@link PartitionAssignment}).
 * A replica claims and marks only rows of partitions it holds, fenced by their epochs in SQL, and
 * when a partition's local lease deadline ({@link LeaseDeadline}) passes without renewal it stops,
 * closes its broker connection and forgets what was in flight.
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
    private final PartitionLeases lease;
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

    public OutboxRelay(Vertx vertx, OutboxRepository outbox, PartitionLeases lease, ConfirmingPublisher publisher,
            OutboxConfig.Relay config, RelayMetrics metrics, InstantSource clock, PublishTracing tracing) {
        this.vertx = vertx;
        this.lease = lease;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.context = vertx.getOrCreateContext();
        this.pump = new RelayPump(context, new PumpRole(), outbox, publisher,
                new RelayMessages(tracing, metrics, clock), config, clock, warnings);
    }

    /** Starts contending for partitions, and relaying those held. */
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

    /** Whether this replica currently holds any relay partition. */
    public boolean isLeader() {
        return leader;
    }

    /** The relay partitions this replica holds now. */
    public java.util.Set<Integer> partitionsHeld() {
        return lease.held();
    }

    /** How many relay partitions there are. */
    public int partitions() {
        return lease.partitions();
    }

    /** Whether this replica holds partition 0, whose holder also runs the outbox retention. */
    public boolean runsRetention() {
        return lease.holds(0);
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
                lease.releaseAll().onFailure().recoverWithNull()
                        .subscribe().with(done -> {
                            roleChanged();
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
            roleChanged();
            publisher.shutdown().whenComplete((ignoredResult, ignoredFailure) -> killed.complete(null));
        });
        return killed;
    }

    private void leaseTick() {
        // One lease check at a time: on a slow database a tick can outlast the renew interval, and
        // an acquisition still under way when the next tick fires must not be taken for a lost
        // lease (the next tick's acquire finds the partition held, by this very replica).
        if (!running || leaseCheckUnderway) {
            return;
        }
        leaseCheckUnderway = true;
        lease.tick()
                // A check that never answers (a stalled connection) must not stop the ticks for good.
                .ifNoItem().after(leaseCheckTimeout).fail()
                .subscribe().with(change -> context.runOnContext(v -> {
                    leaseCheckUnderway = false;
                    if (!change.lost().isEmpty()) {
                        partitionsLost(change.lost(), "their leases were lost");
                    }
                    if (!running) {
                        return;
                    }
                    if (!change.gained().isEmpty()) {
                        LOG.infof("Relay %s took partitions %s; it holds %s", lease.owner(), change.gained(), lease.held());
                        roleChanged();
                        pump.gained();
                    }
                    releaseDrained();
                }), failure -> context.runOnContext(v -> {
                    leaseCheckUnderway = false;
                    warnings.warn("Relay lease check failed: " + failure);
                    java.util.Set<Integer> expired = new java.util.TreeSet<>();
                    lease.scope(expired);
                    if (!expired.isEmpty()) {
                        partitionsLost(expired, "their leases could not be renewed in time");
                    }
                }));
    }

    /** Gives up the partitions marked for release whose rows are all confirmed and marked. */
    private void releaseDrained() {
        lease.releaseDrained(p -> pump.inFlight(p) == 0).subscribe().with(
                released -> context.runOnContext(v -> {
                    if (!released.isEmpty()) {
                        LOG.infof("Relay %s released partitions %s; it holds %s", lease.owner(), released, lease.held());
                        roleChanged();
                    }
                }),
                failure -> warnings.warn("Releasing relay partitions failed: " + failure));
    }

    private void roleChanged() {
        leader = !lease.held().isEmpty();
        metrics.leader(leader);
        metrics.partitionsOwned(lease.held().size());
    }

    /**
     * Partitions were lost without a release: nothing of theirs may leave this replica any more.
     * The broker connection is closed (which stops whatever is still queued for sending) and the
     * window forgotten, for every partition: the others' unconfirmed rows are published again.
     */
    private void partitionsLost(java.util.Set<Integer> lost, String why) {
        LOG.warnf("Relay %s stops publishing partitions %s: %s", lease.owner(), lost, why);
        roleChanged();
        pump.lost();
        // The other partitions' forgotten rows lie below the cursor: start over from the lowest.
        context.runOnContext(v -> pump.gained());
    }

    /** The role as the pump sees it: claims only while running, within the local deadlines. */
    private final class PumpRole implements RelayPump.Role {
        @Override
        public Optional<PartitionLeases.Scope> claimScope(String whyIfPassed) {
            if (!running) {
                return Optional.empty();
            }
            java.util.Set<Integer> expired = new java.util.TreeSet<>();
            Optional<PartitionLeases.Scope> scope = lease.scope(expired);
            if (!expired.isEmpty()) {
                partitionsLost(expired, whyIfPassed);
                return lease.scope(expired);
            }
            return scope;
        }

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public PartitionLeases leases() {
            return lease;
        }
    }
}
