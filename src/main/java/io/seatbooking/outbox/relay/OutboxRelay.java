package io.seatbooking.outbox.relay;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;

import io.opentelemetry.api.trace.Span;
import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.messaging.ConfirmingPublisher.Outgoing;
import io.seatbooking.messaging.ConfirmingPublisher.PublishFailure;
import io.seatbooking.outbox.OutboxConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes every committed outbox row to the broker, marks it published only after the
 * broker confirmed it, and never drops one.
 *
 * <p><b>Order.</b> At most one message per subject is unconfirmed at any time, and a subject's
 * next row is claimed only after its previous row was confirmed and marked. Since rows of one
 * subject are committed in sequence order (each change is a conditional update of the same
 * aggregate row), the first copy of each event reaches the broker in sequence order, whatever
 * fails and whichever replica publishes. Failures and failovers can only add duplicates (same
 * message id), never reorder.
 *
 * <p><b>Role.</b> Only the holder of the {@link RelayLease} publishes: claims are fenced by the
 * lease epoch in SQL, and the holder stops and closes its broker connection when its local
 * lease deadline passes without renewal.
 *
 * <p><b>Flow.</b> A sliding window of up to {@code max-in-flight} unconfirmed messages: claims
 * run whenever the window has room and there may be work (a NOTIFY, a confirm, the fallback
 * poll). Confirms are marked in batches. A nack, return, timeout or lost connection leaves the
 * row pending and pauses claiming for a capped, jittered exponential backoff.
 *
 * <p><b>Claims.</b> A full claim walks the pending rows from the lowest id, leaving out those in
 * flight; each of those costs the database a heap fetch, a thousand per claim with a full
 * window. So the relay keeps a cursor, the highest id it has claimed, and while nothing can have
 * appeared below it claims only above it. Something can appear below it when a transaction that
 * took a lower id commits later (its NOTIFY says so), when a row was passed over because its
 * subject was busy, when a publish failed, or when the role changed hands: each of these, and
 * the fallback poll, makes the next claim a full one.
 *
 * <p>All state lives on one Vert.x context; methods hop onto it.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private record InFlight(String subject, Instant createdAt, long publishedAtNanos, Span span) {
    }

    private final Vertx vertx;
    private final OutboxRepository outbox;
    private final RelayLease lease;
    private final ConfirmingPublisher publisher;
    private final OutboxConfig.Relay config;
    private final RelayMetrics metrics;
    private final InstantSource clock;
    private final PublishTracing tracing;
    private final Context context;

    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private final Set<String> busySubjects = new HashSet<>();
    private final List<Long> confirmed = new ArrayList<>();
    private boolean running;
    private boolean leader;
    private boolean claiming;
    private boolean claimAgain;
    private boolean fullClaimDue = true;
    private long cursor;
    private boolean marking;
    private boolean markScheduled;
    private boolean opening;
    private long backoffUntilNanos;
    private int consecutiveFailures;
    private long leaseTimer = -1;
    private long pollTimer = -1;
    private CompletableFuture<Void> drained;
    private long lastWarningNanos = System.nanoTime() - 60_000_000_000L;

    public OutboxRelay(Vertx vertx, OutboxRepository outbox, RelayLease lease, ConfirmingPublisher publisher,
            OutboxConfig.Relay config, RelayMetrics metrics, InstantSource clock, PublishTracing tracing) {
        this.vertx = vertx;
        this.outbox = outbox;
        this.lease = lease;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.tracing = tracing;
        this.context = vertx.getOrCreateContext();
    }

    /** Starts contending for the lease, and relaying while it is held. */
    public void start(long leaseRenewMillis) {
        context.runOnContext(v -> {
            running = true;
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
                fullClaimDue = true;
                pump();
            });
        });
    }

    /** There may be new rows (a NOTIFY arrived). */
    public void wake() {
        context.runOnContext(v -> {
            // The committed row may have an id below the cursor (its transaction took the id
            // before others that committed first).
            fullClaimDue = true;
            pump();
        });
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
            drained = new CompletableFuture<>();
            checkDrained();
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
        if (!running) {
            return;
        }
        Uni<Boolean> held = leader ? lease.renew() : lease.tryAcquire().map(Optional::isPresent);
        held.subscribe().with(ok -> context.runOnContext(v -> {
            if (ok && !leader && running) {
                becomeLeader();
            } else if (!ok && leader) {
                stepDown("the lease was lost");
            }
        }), failure -> context.runOnContext(v -> {
            warnRarely("Relay lease check failed: " + failure);
            if (leader && lease.heldToken().isEmpty()) {
                stepDown("the lease could not be renewed in time");
            }
        }));
    }

    private void becomeLeader() {
        leader = true;
        fullClaimDue = true;
        cursor = 0;
        consecutiveFailures = 0;
        backoffUntilNanos = 0;
        metrics.leader(true);
        LOG.infof("Relay %s holds the outbox lease; publishing", lease.owner());
        pump();
    }

    private void stepDown(String why) {
        LOG.warnf("Relay %s stops publishing: %s", lease.owner(), why);
        leader = false;
        metrics.leader(false);
        lease.forget();
        // Nothing more may leave this replica: close the channel, and let the new holder
        // publish again whatever was unconfirmed here.
        publisher.abort();
        inFlight.clear();
        busySubjects.clear();
        confirmed.clear();
    }

    private void pump() {
        if (!running || !leader) {
            return;
        }
        Optional<RelayLease.Token> token = lease.heldToken();
        if (token.isEmpty()) {
            stepDown("the local lease deadline passed without renewal");
            return;
        }
        long now = System.nanoTime();
        if (now - backoffUntilNanos < 0) {
            return;
        }
        if (!publisher.isOpen()) {
            openPublisher();
            return;
        }
        if (claiming) {
            claimAgain = true;
            return;
        }
        int room = config.maxInFlight() - inFlight.size();
        // With work in flight, wait for a useful amount of room: each claim skips the rows in
        // flight, so many tiny claims would cost more than they carry.
        if (room <= 0 || (!inFlight.isEmpty() && room < Math.max(1, config.batchSize() / 4))) {
            return;
        }
        int limit = Math.min(config.batchSize(), room);
        claiming = true;
        claimAgain = false;
        boolean full = fullClaimDue;
        fullClaimDue = false;
        Uni<List<OutboxRow>> claim = full ? outbox.claim(token.get(), inFlight.keySet(), 0, limit)
                : outbox.claim(token.get(), List.of(), cursor, limit);
        claim.subscribe().with(
                rows -> context.runOnContext(v -> onClaimed(rows, limit)),
                failure -> context.runOnContext(v -> {
                    claiming = false;
                    fullClaimDue |= full;
                    warnRarely("Claiming outbox rows failed: " + failure);
                    backOff();
                }));
    }

    private void onClaimed(List<OutboxRow> rows, int limit) {
        claiming = false;
        if (!leader || !running) {
            return;
        }
        Set<String> waiting = new HashSet<>();
        List<OutboxRow> sendable = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            cursor = Math.max(cursor, row.id());
            // A subject's next row waits until its previous one is confirmed and marked; the
            // next full claim finds it again.
            if (busySubjects.contains(row.subject()) || !waiting.add(row.subject())) {
                fullClaimDue = true;
                continue;
            }
            sendable.add(row);
        }
        if (!sendable.isEmpty()) {
            if (lease.heldToken().isEmpty()) {
                stepDown("the local lease deadline passed before publishing");
                return;
            }
            publish(sendable);
        }
        if (claimAgain || (rows.size() == limit && !sendable.isEmpty())) {
            pump();
        }
    }

    private void publish(List<OutboxRow> rows) {
        List<Outgoing> messages = new ArrayList<>(rows.size());
        long now = System.nanoTime();
        for (OutboxRow row : rows) {
            Span span = tracing.start(row);
            inFlight.put(row.id(), new InFlight(row.subject(), row.createdAt(), now, span));
            busySubjects.add(row.subject());
            messages.add(toMessage(row, tracing.headers(span, row.headers())));
        }
        List<CompletableFuture<Void>> outcomes = publisher.publishAll(messages);
        for (int i = 0; i < rows.size(); i++) {
            long id = rows.get(i).id();
            outcomes.get(i).whenComplete((ok, failure) -> context.runOnContext(v -> {
                if (failure == null) {
                    onConfirmed(id);
                } else {
                    onFailed(id, failure);
                }
            }));
        }
    }

    private void onConfirmed(long id) {
        InFlight sent = inFlight.get(id);
        if (sent == null) {
            return;
        }
        PublishTracing.end(sent.span(), null);
        metrics.confirmed(System.nanoTime() - sent.publishedAtNanos(), sent.createdAt(), clock.instant());
        confirmed.add(id);
        if (!markScheduled) {
            // Confirms arrive in bursts, each hopping onto this context: mark after the ones
            // already queued, so that one statement carries the whole burst.
            markScheduled = true;
            context.runOnContext(v -> {
                markScheduled = false;
                markConfirmed();
            });
        }
    }

    private void markConfirmed() {
        if (marking || confirmed.isEmpty()) {
            checkDrained();
            return;
        }
        marking = true;
        List<Long> batch = new ArrayList<>(confirmed);
        confirmed.clear();
        outbox.markPublished(batch, clock.instant()).subscribe().with(
                count -> context.runOnContext(v -> {
                    marking = false;
                    for (Long id : batch) {
                        InFlight done = inFlight.remove(id);
                        if (done != null) {
                            busySubjects.remove(done.subject());
                        }
                    }
                    consecutiveFailures = 0;
                    markConfirmed();
                    pump();
                }),
                failure -> context.runOnContext(v -> {
                    // The rows were confirmed; keep them in flight (their subjects blocked) and
                    // mark them again after a pause. If this replica dies first, they are
                    // published again: a duplicate, never a loss.
                    marking = false;
                    if (leader) {
                        confirmed.addAll(batch);
                    }
                    warnRarely("Marking outbox rows published failed: " + failure);
                    vertx.setTimer(backoffMillis(), id -> context.runOnContext(x -> markConfirmed()));
                }));
    }

    private void onFailed(long id, Throwable failure) {
        InFlight sent = inFlight.remove(id);
        if (sent == null) {
            return;
        }
        busySubjects.remove(sent.subject());
        fullClaimDue = true;
        Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
        PublishTracing.end(sent.span(), cause);
        ConfirmingPublisher.FailureKind kind = cause instanceof PublishFailure pf ? pf.kind()
                : ConfirmingPublisher.FailureKind.CONNECTION_LOST;
        metrics.failed(kind);
        if (leader) {
            metrics.retried();
            outbox.recordFailure(id, String.valueOf(cause.getMessage())).subscribe().with(x -> {
            }, e -> LOG.debugf("Could not record publish failure: %s", e.toString()));
            backOff();
        }
        checkDrained();
    }

    private void openPublisher() {
        if (opening) {
            return;
        }
        opening = true;
        publisher.open().whenComplete((ok, failure) -> context.runOnContext(v -> {
            opening = false;
            if (failure != null) {
                LOG.warnf("Relay cannot reach the broker: %s", failure.getMessage());
                backOff();
            } else {
                pump();
            }
        }));
    }

    /** Pauses claiming; failures that arrive while paused belong to the same episode. */
    private void backOff() {
        if (System.nanoTime() - backoffUntilNanos < 0) {
            return;
        }
        consecutiveFailures++;
        long delay = backoffMillis();
        backoffUntilNanos = System.nanoTime() + delay * 1_000_000L;
        vertx.setTimer(delay, id -> context.runOnContext(v -> pump()));
    }

    /** Capped exponential backoff with full jitter in its upper half. */
    private long backoffMillis() {
        long initial = config.backoffInitial().toMillis();
        long cap = config.backoffMax().toMillis();
        int exponent = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
        long base = Math.min(cap, initial << exponent);
        return Math.max(1, base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    /** Logs a warning at most every 30 s, so that an outage does not flood the log. */
    private void warnRarely(String message) {
        long now = System.nanoTime();
        if (now - lastWarningNanos > 30_000_000_000L) {
            lastWarningNanos = now;
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
    }

    private void checkDrained() {
        if (drained != null && inFlight.isEmpty() && confirmed.isEmpty() && !marking) {
            drained.complete(null);
        }
    }

    private static Outgoing toMessage(OutboxRow row, Map<String, Object> headers) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(row.eventId().toString())
                .type(row.eventType())
                .contentType(row.contentType())
                .timestamp(Date.from(row.createdAt()))
                .deliveryMode(2)
                .appId("seat-booking")
                .headers(headers)
                .build();
        return new Outgoing(row.exchange(), row.routingKey(), properties, row.payload());
    }
}
