package io.seatbooking.web.admission;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seatbooking.platform.FinishingWorkLoad;
import io.seatbooking.platform.WritePathLoad;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The adaptive concurrency limits of the request paths that write (Netflix concurrency-limits,
 * Gradient2: the limit follows the latency the database gives; when latency climbs above its
 * long-term baseline, the limit comes down), with a per-customer share on top: one limit for
 * holds, confirms and cancels, one of its own for waiting-room joins (a crowd joining must not
 * take the slots of the customers it admitted). A join beyond its limit is refused at once; a
 * write that finds its limit full may first wait a little for a slot ({@code admission.queue-wait},
 * at most {@code admission.queue-size} at once; confirms and cancels before holds, first come,
 * first served within each), so that a burst of a few milliseconds is absorbed, not shed. While
 * payments pile up for the payments consumer ({@link FinishingWorkLoad}), holds get less of the limit
 * ({@link HoldBrake}), and a hold that finds its smaller room full waits longer for a slot
 * ({@code admission.brake-wait}), so that payments for the holds already taken are applied before
 * new holds are, and a few clients booking one after another are slowed down, not refused. The
 * caller answers a refusal {@code 503 overloaded} with a {@code Retry-After} that grows with the
 * share of requests shed ({@link RetryAfterPolicy}).
 */
@Singleton
public class Admission implements WritePathLoad {

    /** The limits a request can be admitted under. */
    public enum Lane {
        /** Holds, confirms and cancels. */
        WRITE,
        /** Waiting-room joins. */
        JOIN
    }

    /** An admitted request; exactly one of its methods is called when it ends. */
    public interface Ticket {
        /** Answered (2xx, 4xx): its latency feeds the limit. */
        void done();

        /** Shed further in (no connection in time): the limit comes down. */
        void dropped();

        /** Ended otherwise (client gone, unexpected failure): not measured. */
        void ignored();
    }

    /**
     * One lane's limit, what a refusal at that limit counts as, how long its refused wait, and the
     * requests waiting for a slot (guarded by itself).
     */
    private record LaneState(Lane lane, SimpleLimiter<Void> limiter, Counter shedAtLimit, RetryAfterPolicy waits,
            Waiting waiting) {
    }

    /**
     * The requests waiting for a slot of one lane: work that finishes a hold (confirms, cancels)
     * before new work (holds), first come, first served within each, so that under overload the
     * slots go to bookings already begun rather than to holds whose confirms would then be shed.
     */
    private static final class Waiting {
        private final ArrayDeque<Waiter> finishing = new ArrayDeque<>();
        private final ArrayDeque<Waiter> starting = new ArrayDeque<>();

        int size() {
            return finishing.size() + starting.size();
        }

        /** Whether a request of this kind may take a free slot now: nobody waits ahead of it. */
        boolean nobodyAhead(boolean newWork) {
            return finishing.isEmpty() && (!newWork || starting.isEmpty());
        }

        void add(Waiter waiter) {
            (waiter.newWork ? starting : finishing).addLast(waiter);
        }

        Waiter first() {
            return finishing.isEmpty() ? starting.peekFirst() : finishing.peekFirst();
        }

        void removeFirst() {
            if (finishing.isEmpty()) {
                starting.pollFirst();
            } else {
                finishing.pollFirst();
            }
        }

        boolean remove(Waiter waiter) {
            return (waiter.newWork ? starting : finishing).remove(waiter);
        }

        /** Takes out the hold that began to wait last, to make room for finishing work; null if none waits. */
        Waiter removeNewestStarting() {
            return starting.pollLast();
        }
    }

    /** A request waiting for a slot: told on its own context, once, admitted or refused. */
    private static final class Waiter {
        final String customer;
        final boolean newWork;
        final Context context;
        final Consumer<Optional<Ticket>> then;
        long timer;

        Waiter(String customer, boolean newWork, Context context, Consumer<Optional<Ticket>> then) {
            this.customer = customer;
            this.newWork = newWork;
            this.context = context;
            this.then = then;
        }
    }

    private static final String LANE_KEY = Lane.class.getName();

    private final AdmissionConfig config;
    private final CustomerShare shares;
    private final LaneState writes;
    private final LaneState joins;
    private final Counter shedCustomer;
    private final Counter shedBusy;
    private final Counter waited;
    private final LongAdder busyWrites = new LongAdder();
    private final FinishingWorkLoad finishing;
    private final HoldBrake brake;

    @Inject
    public Admission(AdmissionConfig config, MeterRegistry registry, Instance<FinishingWorkLoad> finishing) {
        this(config, registry, finishing.isResolvable() && config.paymentsFirst() ? finishing.get() : null);
    }

    /** With {@code finishing} null, holds keep their share of the limit whatever other work waits. */
    Admission(AdmissionConfig config, MeterRegistry registry, FinishingWorkLoad finishing) {
        this.config = config;
        this.finishing = finishing;
        this.brake = new HoldBrake(System.nanoTime(), finishing == null ? 0 : finishing.backlogNanos());
        this.shares = new CustomerShare(config.customerShare());
        // Each lane its own limit and its own wait: a crowd joining must neither take the admitted
        // customers' slots nor make them wait long between holds.
        this.writes = lane(Lane.WRITE, "write-path", "limit", config, registry);
        this.joins = lane(Lane.JOIN, "queue-join", "join-limit", config, registry);
        Gauge.builder("admission.limit", writes.limiter(), SimpleLimiter::getLimit)
                .description("Current concurrency limit of the write path").register(registry);
        Gauge.builder("admission.inflight", writes.limiter(), SimpleLimiter::getInflight)
                .description("Admitted write requests running now").register(registry);
        Gauge.builder("admission.hold.room", brake, HoldBrake::current)
                .description("Share of their room in the limit that holds get, as last reconsidered at a hold (below 1 while payments wait)")
                .register(registry);
        Gauge.builder("admission.join.limit", joins.limiter(), SimpleLimiter::getLimit)
                .description("Current concurrency limit of waiting-room joins").register(registry);
        this.shedCustomer = Counter.builder("admission.shed").tag("reason", "customer-share")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedBusy = Counter.builder("admission.shed").tag("reason", "database-busy")
                .description("Requests answered 503 overloaded: no database connection in time, or past their deadline")
                .register(registry);
        this.waited = Counter.builder("admission.waited")
                .description("Write requests that found the limit full and waited for a slot (admitted or shed after)")
                .register(registry);
    }

    /**
     * The current request was shed further in: no database connection for it in time. It counts
     * towards its lane's wait, and a write's as the write path shedding for capacity (what the
     * waiting room's admitter follows); a read's (a crowd's polls finding the pool busy) and a
     * join's do not, so that they cannot stop the admissions the crowd waits for.
     */
    public void shedBusy() {
        shedBusy.increment();
        Lane lane = currentLane();
        if (lane == null) {
            return;
        }
        if (lane == Lane.WRITE) {
            busyWrites.increment();
        }
        state(lane).waits().shed(System.nanoTime());
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * Admits a write request of {@code customer} now, or once a slot frees within
     * {@code admission.queue-wait}, or refuses it; {@code then} is told exactly once: at once on
     * the caller's thread, or later on {@code context} (the request's, which also runs the wait's
     * timer). Requests already waiting go first, and a waiting confirm or cancel before any hold;
     * a confirm or cancel that finds the wait full takes the place of the hold that began to wait
     * last, which is refused.
     * New work (a hold) is admitted only while the requests running stay under
     * {@code admission.hold-share} of the limit.
     */
    public void admit(String customer, boolean newWork, Context context, Consumer<Optional<Ticket>> then) {
        LaneState lane = writes;
        long waitMillis = waitMillis(newWork);
        if (!shares.tryEnter(customer, lane.limiter().getLimit())) {
            then.accept(refused(shedCustomer, lane));
            return;
        }
        Optional<Ticket> now = Optional.empty();
        boolean waits = false;
        Waiter displaced = null;
        synchronized (lane.waiting()) {
            if (lane.waiting().nobodyAhead(newWork)) {
                now = acquire(lane, customer, newWork);
            }
            if (now.isEmpty() && waitMillis > 0 && !newWork && lane.waiting().size() >= config.queueSize()) {
                // A full wait must not refuse a confirm or cancel that would go ahead of every hold
                // in it: the hold that came last gives up its place (refused below), or the hold
                // the confirm finishes was work for nothing.
                displaced = lane.waiting().removeNewestStarting();
            }
            if (now.isEmpty() && waitMillis > 0 && lane.waiting().size() < config.queueSize()) {
                Waiter waiter = new Waiter(customer, newWork, context, then);
                lane.waiting().add(waiter);
                waiter.timer = context.owner().setTimer(waitMillis, id -> giveUp(lane, waiter));
                waits = true;
                waited.increment();
            }
        }
        if (displaced != null) {
            refuseDisplaced(lane, displaced);
        }
        if (now.isPresent()) {
            rememberLane(lane);
            then.accept(now);
        } else if (waits) {
            admitWaiting(lane);
        } else {
            shares.leave(customer);
            then.accept(refused(lane.shedAtLimit(), lane));
        }
    }

    /**
     * How long a write that finds the limit full may wait for a slot: {@code admission.queue-wait},
     * or for a hold while holds get less of the limit, {@code admission.brake-wait} if longer.
     */
    private long waitMillis(boolean newWork) {
        long wait = config.queueWait().toMillis();
        return newWork && wait > 0 && brake.current() < 1.0 ? Math.max(wait, config.brakeWait().toMillis()) : wait;
    }

    /** A waiting hold that gave its place to finishing work: refused, on its own context. */
    private void refuseDisplaced(LaneState lane, Waiter waiter) {
        waiter.context.owner().cancelTimer(waiter.timer);
        waiter.context.runOnContext(v -> refuse(lane, waiter));
    }

    /** A waiter whose wait ran out: refused, unless a slot reached it first. */
    private void giveUp(LaneState lane, Waiter waiter) {
        synchronized (lane.waiting()) {
            if (!lane.waiting().remove(waiter)) {
                return;
            }
        }
        refuse(lane, waiter);
    }

    /** Answers a waiter taken out of the wait: refused at the limit, its customer's share given back. */
    private void refuse(LaneState lane, Waiter waiter) {
        shares.leave(waiter.customer);
        waiter.then.accept(refused(lane.shedAtLimit(), lane));
    }

    /** Hands free slots to the requests waiting: confirms and cancels first, each kind oldest first. */
    private void admitWaiting(LaneState lane) {
        while (true) {
            Waiter next;
            Ticket ticket;
            synchronized (lane.waiting()) {
                next = lane.waiting().first();
                if (next == null) {
                    return;
                }
                // Its customer's share was taken when it began to wait.
                Optional<Ticket> admitted = acquire(lane, next.customer, next.newWork);
                if (admitted.isEmpty()) {
                    return;
                }
                lane.waiting().removeFirst();
                ticket = admitted.get();
            }
            Waiter admittedWaiter = next;
            admittedWaiter.context.owner().cancelTimer(admittedWaiter.timer);
            admittedWaiter.context.runOnContext(v -> {
                rememberLane(lane);
                admittedWaiter.then.accept(Optional.of(ticket));
            });
        }
    }

    /** Admits a waiting-room join of {@code customer} under the joins' own limit, or refuses it (empty). */
    public Optional<Ticket> admitJoin(String customer) {
        return admitNow(joins, customer, false);
    }

    /**
     * Admits under {@code lane} at once or refuses (empty); the admitted request's context
     * remembers the lane (for {@link #shedBusy}).
     */
    private Optional<Ticket> admitNow(LaneState lane, String customer, boolean newWork) {
        if (!shares.tryEnter(customer, lane.limiter().getLimit())) {
            return refused(shedCustomer, lane);
        }
        Optional<Ticket> ticket = acquire(lane, customer, newWork);
        if (ticket.isEmpty()) {
            shares.leave(customer);
            return refused(lane.shedAtLimit(), lane);
        }
        rememberLane(lane);
        return ticket;
    }

    /** A slot under {@code lane}'s limit for a customer whose share is already taken, or empty. */
    private Optional<Ticket> acquire(LaneState lane, String customer, boolean newWork) {
        if (newWork && lane.limiter().getInflight() >= holdLimit(lane.limiter().getLimit())) {
            return Optional.empty();
        }
        Optional<Limiter.Listener> listener = lane.limiter().acquire(null);
        if (listener.isEmpty()) {
            return Optional.empty();
        }
        Limiter.Listener l = listener.get();
        return Optional.of(new Ticket() {
            @Override
            public void done() {
                shares.leave(customer);
                l.onSuccess();
                lane.waits().served(System.nanoTime());
                admitWaiting(lane);
            }

            @Override
            public void dropped() {
                shares.leave(customer);
                l.onDropped();
                admitWaiting(lane);
            }

            @Override
            public void ignored() {
                shares.leave(customer);
                l.onIgnore();
                admitWaiting(lane);
            }
        });
    }

    private static void rememberLane(LaneState lane) {
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            context.putLocal(LANE_KEY, lane.lane());
        }
    }

    private static Optional<Ticket> refused(Counter reason, LaneState lane) {
        reason.increment();
        lane.waits().shed(System.nanoTime());
        return Optional.empty();
    }

    /**
     * How many requests may be running for a new hold to start under {@code limit}: its share of
     * the limit, less while payments wait ({@link HoldBrake}); at least one.
     */
    int holdLimit(int limit) {
        double room = finishing == null ? 1.0 : brake.factor(System.nanoTime(), finishing.backlogNanos());
        return Math.max(1, (int) Math.floor(limit * config.holdShare() * room));
    }

    /**
     * Whole seconds for the {@code Retry-After} of the current request: the wait its lane's load
     * calls for, plus random jitter (a read, under no lane, gets the writes' wait).
     */
    public long retryAfterSeconds() {
        Lane lane = currentLane();
        return retryAfterSeconds(lane == null ? Lane.WRITE : lane);
    }

    /** The same for a request refused under {@code lane}. */
    public long retryAfterSeconds(Lane lane) {
        return state(lane).waits().retryAfterSeconds(System.nanoTime(), ThreadLocalRandom.current().nextDouble());
    }

    public int limit() {
        return writes.limiter().getLimit();
    }

    private LaneState state(Lane lane) {
        return lane == Lane.JOIN ? joins : writes;
    }

    private static Lane currentLane() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context) ? context.getLocal(LANE_KEY) : null;
    }

    private static LaneState lane(Lane lane, String name, String shedReason, AdmissionConfig config,
            MeterRegistry registry) {
        SimpleLimiter<Void> limiter = SimpleLimiter.newBuilder().named(name)
                .limit(Gradient2Limit.newBuilder()
                        .initialLimit(config.initialLimit())
                        .minLimit(config.minLimit())
                        .maxConcurrency(config.maxLimit())
                        .build())
                .build();
        Counter shed = Counter.builder("admission.shed").tag("reason", shedReason)
                .description("Write requests refused with 503 overloaded").register(registry);
        RetryAfterPolicy waits = new RetryAfterPolicy(config.retryAfter(), config.retryAfterMax(),
                config.retryAfterJitter(), System.nanoTime());
        Gauge.builder("admission.retry.after", waits, w -> w.waitSeconds(System.nanoTime()))
                .tag("lane", lane.name().toLowerCase())
                .description("The Retry-After (seconds, before jitter) that shed requests are answered with now")
                .register(registry);
        return new LaneState(lane, limiter, shed, waits, new Waiting());
    }

    @Override
    public long shedForCapacity() {
        return (long) writes.shedAtLimit().count() + busyWrites.sum();
    }
}
