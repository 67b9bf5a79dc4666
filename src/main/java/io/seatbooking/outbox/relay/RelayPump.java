package io.seatbooking.outbox.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.seatbooking.messaging.ConfirmingPublisher;
import io.seatbooking.messaging.ConfirmingPublisher.Outgoing;
import io.seatbooking.outbox.OutboxConfig;
import io.vertx.core.Context;

/**
 * Moves rows for the holder of the relay role: claims pending rows into its {@link RelayWindow},
 * publishes them, marks the confirmed ones published in batches, and leaves failed ones pending
 * behind a {@link RelayBackoff} pause. The window decides what to claim and send; this class runs
 * the statements and publishes, and reports each answer back to it.
 *
 * <p>Everything runs on the relay's one Vert.x context: callers are on it, and every answer hops
 * back onto it.
 */
final class RelayPump {

    private static final Logger LOG = Logger.getLogger(RelayPump.class);

    /** The relay role, as far as the pump needs it. */
    interface Role {
        /**
         * The lease token while this replica may claim and publish; empty when it may not, after
         * giving the role up (for {@code whyIfPassed}) if its local deadline passed.
         */
        Optional<RelayLease.Token> claimToken(String whyIfPassed);

        /** Whether this replica holds the role (it may be stopping). */
        boolean isLeader();
    }

    private final Context context;
    private final Role role;
    private final OutboxRepository outbox;
    private final ConfirmingPublisher publisher;
    private final RelayMessages messages;
    private final OutboxConfig.Relay config;
    private final RelayWindow<RelayMessages.Sent> window;
    private final RelayBackoff backoff;
    private final RareWarnings warnings;
    // Publish outcomes as the broker's connection thread learns them, taken over on the relay's
    // context in groups: one hop per group of confirms (the broker acks many messages at once),
    // not one per message, each of which woke the event loop.
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean outcomesScheduled = new AtomicBoolean();

    /** A publish's outcome: confirmed ({@code failure} null) or failed. */
    private record Outcome(long id, Throwable failure) {
    }

    private boolean markScheduled;
    private boolean refillScheduled;
    private boolean claimScheduled;
    private boolean claimedBefore;
    private long lastClaimNanos;
    private boolean opening;
    private CompletableFuture<Void> drained;

    RelayPump(Context context, Role role, OutboxRepository outbox, ConfirmingPublisher publisher,
            RelayMessages messages, OutboxConfig.Relay config, RareWarnings warnings) {
        this.context = context;
        this.role = role;
        this.outbox = outbox;
        this.publisher = publisher;
        this.messages = messages;
        this.config = config;
        this.warnings = warnings;
        this.window = new RelayWindow<>(config.maxInFlight(), config.batchSize());
        // Used on the relay's context only.
        this.backoff = new RelayBackoff(config.backoffInitial(), config.backoffMax(), System::nanoTime,
                new SplittableRandom());
    }

    /** The role was gained: start from a clean slate. */
    void gained() {
        window.restart();
        backoff.reset();
        pump();
    }

    /**
     * The role was lost: nothing more may leave this replica. Closes the channel, and forgets
     * what was in flight; the new holder publishes again whatever was unconfirmed here.
     */
    void lost() {
        publisher.abort();
        window.clear();
    }

    /** There may be new rows, possibly below the cursor (a NOTIFY, or the fallback poll). */
    void wake() {
        window.claimFullNext();
        pump();
    }

    /** This replica committed new rows, the lowest of them {@code lowestId}. */
    void wakeFrom(long lowestId) {
        window.claimFrom(lowestId);
        pump();
    }

    /**
     * The partitions with rows in flight or waiting to be marked: not yet to be given up. The
     * ready rows of the {@code leaving} ones, not sent yet, are left for their next holder.
     */
    Set<Integer> busyPartitions(Set<Integer> leaving) {
        window.forgetReady(leaving::contains);
        return window.busyPartitions();
    }

    /**
     * Completes once nothing is in flight or waiting to be marked. Ready rows are not sent any
     * more: they stay pending for the next holder.
     */
    CompletableFuture<Void> drained() {
        drained = new CompletableFuture<>();
        window.forgetReady(partition -> true);
        checkDrained();
        return drained;
    }

    /**
     * Sends the ready rows the window has room for, and claims, if the role, the backoff, the
     * broker connection and the window allow it.
     */
    void pump() {
        Optional<RelayLease.Token> token = role.claimToken("the local lease deadline passed without renewal");
        if (token.isEmpty() || token.get().epochs().isEmpty()) {
            // Not (or no longer) holding: what was ready stays pending for the partitions' holder.
            window.forgetReady(partition -> true);
            checkDrained();
            return;
        }
        if (backoff.isPaused()) {
            return;
        }
        if (!publisher.isOpen()) {
            openPublisher();
            return;
        }
        Set<Integer> held = token.get().epochs().keySet();
        List<OutboxRow> ready = window.sendable(held::contains);
        if (!ready.isEmpty()) {
            publish(ready);
        }
        if (!window.mayFindRows()) {
            return;
        }
        long early = claimedBefore ? config.claimSpacing().toNanos() - (System.nanoTime() - lastClaimNanos) : 0;
        if (early > 0) {
            if (!claimScheduled) {
                claimScheduled = true;
                context.owner().setTimer(Math.max(1, (early + 999_999) / 1_000_000), id -> context.runOnContext(v -> {
                    claimScheduled = false;
                    pump();
                }));
            }
            return;
        }
        Optional<RelayWindow.Claim> next = window.nextClaim();
        if (next.isEmpty()) {
            return;
        }
        RelayWindow.Claim claim = next.get();
        claimedBefore = true;
        lastClaimNanos = System.nanoTime();
        outbox.claim(token.get(), claim.exclude(), claim.after(), claim.limit()).subscribe().with(
                rows -> context.runOnContext(v -> onClaimed(claim, rows)),
                failure -> context.runOnContext(v -> {
                    window.claimDiscarded(claim);
                    warnings.warn("Claiming outbox rows failed: " + failure);
                    backOff();
                }));
    }

    private void onClaimed(RelayWindow.Claim claim, List<OutboxRow> claimed) {
        Optional<RelayLease.Token> token = role.claimToken("the local lease deadline passed before publishing");
        if (token.isEmpty()) {
            window.claimDiscarded(claim);
            return;
        }
        // Rows of a partition being given up (or given up) since the claim was sent stay for
        // whoever holds it next.
        List<OutboxRow> rows = new ArrayList<>(claimed.size());
        for (OutboxRow row : claimed) {
            if (token.get().epochs().containsKey(row.partition())) {
                rows.add(row);
            }
        }
        RelayWindow.Selection selection = window.claimed(claim, rows);
        if (!selection.send().isEmpty()) {
            publish(selection.send());
        }
        if (selection.claimAgain()) {
            pump();
        }
    }

    private void publish(List<OutboxRow> rows) {
        List<Outgoing> batch = new ArrayList<>(rows.size());
        long now = System.nanoTime();
        for (OutboxRow row : rows) {
            RelayMessages.Sent sent = messages.start(row, now);
            window.sent(row, sent);
            batch.add(messages.message(row, sent));
        }
        List<CompletableFuture<Void>> results = publisher.publishAll(batch);
        for (int i = 0; i < rows.size(); i++) {
            long id = rows.get(i).id();
            results.get(i).whenComplete((ok, failure) -> {
                outcomes.add(new Outcome(id, failure));
                if (outcomesScheduled.compareAndSet(false, true)) {
                    context.runOnContext(v -> takeOutcomes());
                }
            });
        }
    }

    /** On the relay's context: every outcome queued so far, in the order they came. */
    private void takeOutcomes() {
        outcomesScheduled.set(false);
        List<RelayMessages.Sent> confirmed = new ArrayList<>();
        for (Outcome outcome; (outcome = outcomes.poll()) != null;) {
            if (outcome.failure() == null) {
                window.confirmed(outcome.id()).ifPresent(confirmed::add);
            } else {
                onFailed(outcome.id(), outcome.failure());
            }
        }
        if (!confirmed.isEmpty()) {
            messages.confirmed(confirmed);
            scheduleMark();
            refill();
        }
    }

    /**
     * A confirm made room in the window: send ready rows into it, and with a backlog above the
     * cursor claim as soon as there is a useful amount of room, not only after the next mark's
     * answer. Once for the confirms already queued on this context (the broker confirms many
     * messages at once), so that their rows go to the publisher together.
     */
    private void refill() {
        if (refillScheduled) {
            return;
        }
        refillScheduled = true;
        context.runOnContext(v -> {
            refillScheduled = false;
            pump();
        });
    }

    /**
     * Marks what is confirmed once {@code mark-linger} has passed, so that one statement carries
     * every confirm of that time, however promptly this context hears of each.
     */
    private void scheduleMark() {
        if (markScheduled) {
            return;
        }
        markScheduled = true;
        context.owner().setTimer(Math.max(1, config.markLinger().toMillis()), id -> context.runOnContext(v -> {
            markScheduled = false;
            markConfirmed();
        }));
    }

    private void markConfirmed() {
        Optional<List<Long>> next = window.startMark();
        if (next.isEmpty()) {
            checkDrained();
            return;
        }
        List<Long> batch = next.get();
        outbox.markPublished(batch, batch.stream().map(window::subjectOf).toList()).subscribe().with(
                count -> context.runOnContext(v -> {
                    window.marked(batch);
                    backoff.succeeded();
                    scheduleMark();
                    checkDrained();
                    pump();
                }),
                failure -> context.runOnContext(v -> {
                    // The rows were confirmed; keep them in flight (their subjects blocked) and
                    // mark them again after a pause. If this replica dies first, they are
                    // published again: a duplicate, never a loss.
                    window.markFailed(batch, role.isLeader());
                    warnings.warn("Marking outbox rows published failed: " + failure);
                    context.owner().setTimer(backoff.delayMillis(), id -> context.runOnContext(x -> markConfirmed()));
                }));
    }

    private void onFailed(long id, Throwable failure) {
        Optional<RelayMessages.Sent> sent = window.failed(id);
        if (sent.isEmpty()) {
            return;
        }
        Throwable cause = RelayMessages.cause(failure);
        boolean leader = role.isLeader();
        messages.failed(sent.get(), cause, leader);
        if (leader) {
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

    /** Pauses claiming, unless a pause runs: failures that arrive meanwhile belong to the same episode. */
    private void backOff() {
        backoff.failed().ifPresent(delay -> context.owner().setTimer(delay, id -> context.runOnContext(v -> pump())));
    }

    private void checkDrained() {
        if (drained != null && window.isDrained()) {
            drained.complete(null);
        }
    }
}
