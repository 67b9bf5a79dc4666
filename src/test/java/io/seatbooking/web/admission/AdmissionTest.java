package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seatbooking.platform.FinishingWorkLoad;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

class AdmissionTest {

    /** Payments never wait: holds keep their share of the limit. */
    private static final FinishingWorkLoad NOTHING_WAITS = () -> 0L;

    // The tests whose requests wait for a slot answer on a Vert.x context; made by context().
    private Vertx vertx;

    @AfterEach
    void closeVertx() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    /** A Vert.x context for requests that wait for a slot (one Vert.x per test, closed after it). */
    private Context context() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx.getOrCreateContext();
    }

    private static AdmissionConfig config(int limit, double share) {
        return config(limit, share, Duration.ZERO, 0);
    }

    private static AdmissionConfig config(int limit, double share, Duration queueWait, int queueSize) {
        return new AdmissionConfig() {
            public Duration queueWait() { return queueWait; }
            public Duration brakeWait() { return Duration.ofSeconds(1); }
            public int queueSize() { return queueSize; }
            public boolean enabled() { return true; }
            public int initialLimit() { return limit; }
            public int minLimit() { return 1; }
            public int maxLimit() { return limit; }
            public double customerShare() { return share; }
            public double holdShare() { return 0.8; }
            public boolean paymentsFirst() { return true; }
            public Duration requestDeadline() { return Duration.ofSeconds(5); }
            public Duration retryAfter() { return Duration.ofSeconds(1); }
            public Duration retryAfterMax() { return Duration.ofSeconds(30); }
            public Duration retryAfterJitter() { return Duration.ofSeconds(2); }
        };
    }

    @Test
    void beyondTheLimitRequestsAreRefusedAtOnceAndAdmittedAgainWhenOthersEnd() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry(), NOTHING_WAITS);
        List<Admission.Ticket> running = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            running.add(admitAtOnce(admission, "customer-" + i, false).orElseThrow());
        }
        assertThat(admitAtOnce(admission, "late", false)).isEmpty();
        running.remove(0).done();
        assertThat(admitAtOnce(admission, "late", false)).isPresent();
    }

    @Test
    void oneCustomerCannotTakeTheWholeLimit() {
        Admission admission = new Admission(config(10, 0.2), new SimpleMeterRegistry(), NOTHING_WAITS);
        assertThat(admitAtOnce(admission, "greedy", false)).isPresent();
        assertThat(admitAtOnce(admission, "greedy", false)).isPresent();
        assertThat(admitAtOnce(admission, "greedy", false)).isEmpty();
        for (int i = 0; i < 8; i++) {
            assertThat(admitAtOnce(admission, "other-" + i, false)).as("others still get in").isPresent();
        }
    }

    @Test
    void holdsAreShedFirstSoThatConfirmsOfTheHoldsTakenStillGetIn() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry(), NOTHING_WAITS);
        for (int i = 0; i < 8; i++) {
            assertThat(admitAtOnce(admission, "holder-" + i, true)).as("holds fill 80 %% of the limit").isPresent();
        }
        assertThat(admitAtOnce(admission, "late-holder", true)).isEmpty();
        assertThat(admitAtOnce(admission, "confirmer-1", false)).isPresent();
        assertThat(admitAtOnce(admission, "confirmer-2", false)).isPresent();
        assertThat(admitAtOnce(admission, "confirmer-3", false)).as("the whole limit is used").isEmpty();
    }

    @Test
    void whilePaymentsPileUpHoldsGetLessOfTheLimitAndConfirmsAllOfIt() throws Exception {
        AtomicLong backlog = new AtomicLong();
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry(), backlog::get);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(HoldBrake.STEP_NANOS) + 20);
        backlog.set(HoldBrake.STEP_NANOS * 10); // a backlog all the time since
        int holds = 0;
        while (admitAtOnce(admission, "holder-" + holds, true).isPresent()) {
            holds++;
        }
        assertThat(holds).as("fewer than the holds' 8 slots without the brake").isBetween(1, 5);
        for (int i = holds; i < 10; i++) {
            assertThat(admitAtOnce(admission, "confirmer-" + i, false)).as("confirms still use the whole limit")
                    .isPresent();
        }
        assertThat(admitAtOnce(admission, "one-too-many", false)).isEmpty();
    }

    @Test
    void whilePaymentsPileUpAHoldThatFindsItsRoomFullWaitsLongerForASlot() throws Exception {
        long since = System.nanoTime();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // A backlog all the time: after 0.7 s the holds' room is at its floor, one slot of 10.
        Admission admission = new Admission(config(10, 1.0, Duration.ofMillis(100), 10), registry,
                () -> System.nanoTime() - since);
        Context context = context();
        Thread.sleep(700);
        Admission.Ticket running = admitOn(context, admission, "holder").get(1, TimeUnit.SECONDS).orElseThrow();

        long start = System.nanoTime();
        assertThat(admitOn(context, admission, "second-holder").get(3, TimeUnit.SECONDS)).isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("refused after admission.brake-wait, not admission.queue-wait").isBetween(900L, 2_000L);

        CompletableFuture<Optional<Admission.Ticket>> waiting = admitOn(context, admission, "patient");
        awaitWaiting(registry, 2);
        Thread.sleep(300);
        assertThat(waiting).as("still waiting past admission.queue-wait").isNotDone();
        running.done();
        assertThat(waiting.get(1, TimeUnit.SECONDS)).as("admitted when the hold ended").isPresent();
        assertThat(admitOn(context, admission, "confirmer", false).get(1, TimeUnit.SECONDS))
                .as("confirms keep the whole limit").isPresent();
    }

    @Test
    void joinsHaveALimitOfTheirOwnSoThatACrowdJoiningLeavesTheAdmittedTheirWrites() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry(), NOTHING_WAITS);
        for (int i = 0; i < 10; i++) {
            assertThat(admission.admitJoin("joiner-" + i)).isPresent();
        }
        assertThat(admission.admitJoin("one-too-many")).isEmpty();
        assertThat(admitAtOnce(admission, "admitted-customer", true)).as("holds do not compete with joins").isPresent();
        assertThat(admission.shedForCapacity()).as("a shed join does not stop the admitter").isZero();
    }

    @Test
    void retryAfterIsJitteredWithinTheConfiguredRange() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry(), NOTHING_WAITS);
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seen.add(admission.retryAfterSeconds());
        }
        assertThat(seen).allMatch(s -> s >= 1 && s <= 3);
        assertThat(seen).contains(1L, 3L);
    }

    @Test
    void aWriteThatFindsTheLimitFullWaitsForASlotFirstComeFirstServedOrIsRefusedWhenItsWaitRunsOut()
            throws Exception {
        Admission admission = new Admission(config(1, 1.0, Duration.ofMillis(300), 2), new SimpleMeterRegistry(), NOTHING_WAITS);
        Context context = context();
        CompletableFuture<Optional<Admission.Ticket>> first = admitOn(context, admission, "first");
        CompletableFuture<Optional<Admission.Ticket>> second = admitOn(context, admission, "second");
        CompletableFuture<Optional<Admission.Ticket>> third = admitOn(context, admission, "third");
        CompletableFuture<Optional<Admission.Ticket>> fourth = admitOn(context, admission, "fourth");
        Admission.Ticket running = first.get(1, TimeUnit.SECONDS).orElseThrow();
        assertThat(fourth.get(1, TimeUnit.SECONDS)).as("beyond the queue's size: refused at once").isEmpty();
        assertThat(second).as("waits while the slot is taken").isNotDone();
        running.done();
        Admission.Ticket next = second.get(1, TimeUnit.SECONDS).orElseThrow();
        assertThat(third.get(2, TimeUnit.SECONDS)).as("its wait ran out while the slot stayed taken").isEmpty();
        next.done();
        assertThat(admitOn(context, admission, "later").get(1, TimeUnit.SECONDS)).isPresent();
    }

    @Test
    void aWaitingConfirmGetsTheNextSlotBeforeHoldsThatWaitedLonger() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Admission admission = new Admission(config(1, 1.0, Duration.ofSeconds(5), 10), registry, NOTHING_WAITS);
        Context context = context();
        Admission.Ticket running = admitOn(context, admission, "first").get(1, TimeUnit.SECONDS).orElseThrow();
        CompletableFuture<Optional<Admission.Ticket>> hold = admitOn(context, admission, "holder");
        CompletableFuture<Optional<Admission.Ticket>> confirm = admitOn(context, admission, "confirmer", false);
        awaitWaiting(registry, 2);
        assertThat(registry.counter("admission.waited").count()).as("both wait").isEqualTo(2);
        running.done();
        Admission.Ticket confirmed = confirm.get(1, TimeUnit.SECONDS).orElseThrow();
        assertThat(hold).as("the hold, though it came first, still waits").isNotDone();
        confirmed.done();
        assertThat(hold.get(1, TimeUnit.SECONDS)).isPresent();
    }

    @Test
    void aConfirmThatFindsTheWaitFullTakesThePlaceOfTheHoldThatCameLast() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Admission admission = new Admission(config(1, 1.0, Duration.ofSeconds(5), 2), registry, NOTHING_WAITS);
        Context context = context();
        Admission.Ticket running = admitOn(context, admission, "first").get(1, TimeUnit.SECONDS).orElseThrow();
        CompletableFuture<Optional<Admission.Ticket>> earlierHold = admitOn(context, admission, "holder-1");
        CompletableFuture<Optional<Admission.Ticket>> laterHold = admitOn(context, admission, "holder-2");
        awaitWaiting(registry, 2);
        assertThat(admitOn(context, admission, "holder-3").get(1, TimeUnit.SECONDS))
                .as("a hold finds the wait full: refused at once").isEmpty();

        CompletableFuture<Optional<Admission.Ticket>> confirm = admitOn(context, admission, "confirmer-1", false);
        assertThat(laterHold.get(1, TimeUnit.SECONDS)).as("the hold that came last gave its place up").isEmpty();
        assertThat(earlierHold).isNotDone();
        assertThat(confirm).as("the confirm waits in its place").isNotDone();

        CompletableFuture<Optional<Admission.Ticket>> second = admitOn(context, admission, "confirmer-2", false);
        assertThat(earlierHold.get(1, TimeUnit.SECONDS)).as("the last hold waiting gave its place too").isEmpty();
        assertThat(second).isNotDone();
        assertThat(admitOn(context, admission, "confirmer-3", false).get(1, TimeUnit.SECONDS))
                .as("no hold left to give its place: refused at once").isEmpty();

        running.done();
        Admission.Ticket first = confirm.get(1, TimeUnit.SECONDS).orElseThrow();
        assertThat(second).as("first come, first served among confirms").isNotDone();
        first.done();
        second.get(1, TimeUnit.SECONDS).orElseThrow().done();
        assertThat(registry.counter("admission.shed", "reason", "limit").count())
                .as("the holds that gave their places up count as shed at the limit").isEqualTo(4);
    }

    /** Until {@code count} requests have begun to wait for a slot (at most 2 s). */
    private static void awaitWaiting(SimpleMeterRegistry registry, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (registry.counter("admission.waited").count() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * Admits or refuses at once: with no queue wait (the configurations of {@link #config(int, double)})
     * the answer comes on this thread and no context is used.
     */
    private static Optional<Admission.Ticket> admitAtOnce(Admission admission, String customer, boolean newWork) {
        AtomicReference<Optional<Admission.Ticket>> answer = new AtomicReference<>();
        admission.admit(customer, newWork, null, answer::set);
        assertThat(answer.get()).as("answered at once").isNotNull();
        return answer.get();
    }

    private static CompletableFuture<Optional<Admission.Ticket>> admitOn(Context context, Admission admission,
            String customer) {
        return admitOn(context, admission, customer, true);
    }

    private static CompletableFuture<Optional<Admission.Ticket>> admitOn(Context context, Admission admission,
            String customer, boolean newWork) {
        CompletableFuture<Optional<Admission.Ticket>> answer = new CompletableFuture<>();
        context.runOnContext(v -> admission.admit(customer, newWork, context, answer::complete));
        return answer;
    }
}
