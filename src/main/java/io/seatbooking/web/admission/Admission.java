package io.seatbooking.web.admission;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seatbooking.platform.WritePathLoad;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The adaptive concurrency limits of the request paths that write (Netflix concurrency-limits,
 * Gradient2: the limit follows the latency the database gives; when latency climbs above its
 * long-term baseline, the limit comes down), with a per-customer share on top: one limit for
 * holds, confirms and cancels, one of its own for waiting-room joins (a crowd joining must not
 * take the slots of the customers it admitted). A request beyond either is refused at once: the
 * caller answers it {@code 503 overloaded}, never with a wait, with a {@code Retry-After} that
 * grows with the share of requests shed ({@link RetryAfterPolicy}).
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

    /** One lane's limit, what a refusal at that limit counts as, and how long its refused wait. */
    private record LaneState(Lane lane, SimpleLimiter<Void> limiter, Counter shedAtLimit, RetryAfterPolicy waits) {
    }

    private static final String LANE_KEY = Lane.class.getName();

    private final AdmissionConfig config;
    private final CustomerShare shares;
    private final LaneState writes;
    private final LaneState joins;
    private final Counter shedCustomer;
    private final Counter shedBusy;
    private final LongAdder busyWrites = new LongAdder();

    public Admission(AdmissionConfig config, MeterRegistry registry) {
        this.config = config;
        this.shares = new CustomerShare(config.customerShare());
        // Each lane its own limit and its own wait: a crowd joining must neither take the admitted
        // customers' slots nor make them wait long between holds.
        this.writes = lane(Lane.WRITE, "write-path", "limit", config, registry);
        this.joins = lane(Lane.JOIN, "queue-join", "join-limit", config, registry);
        Gauge.builder("admission.limit", writes.limiter(), SimpleLimiter::getLimit)
                .description("Current concurrency limit of the write path").register(registry);
        Gauge.builder("admission.inflight", writes.limiter(), SimpleLimiter::getInflight)
                .description("Admitted write requests running now").register(registry);
        Gauge.builder("admission.join.limit", joins.limiter(), SimpleLimiter::getLimit)
                .description("Current concurrency limit of waiting-room joins").register(registry);
        this.shedCustomer = Counter.builder("admission.shed").tag("reason", "customer-share")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedBusy = Counter.builder("admission.shed").tag("reason", "database-busy")
                .description("Requests answered 503 overloaded: no database connection in time, or past their deadline")
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

    /** Admits a confirm or cancel of {@code customer}, or refuses it (empty). */
    public Optional<Ticket> admit(String customer) {
        return admit(customer, false);
    }

    /**
     * Admits a write request of {@code customer}, or refuses it (empty). New work (a hold) only
     * while the requests running stay under {@code admission.hold-share} of the limit.
     */
    public Optional<Ticket> admit(String customer, boolean newWork) {
        if (newWork && writes.limiter().getInflight() >= holdLimit(writes.limiter().getLimit())) {
            return refused(writes.shedAtLimit(), writes);
        }
        return admit(writes, customer);
    }

    /** Admits a waiting-room join of {@code customer} under the joins' own limit, or refuses it (empty). */
    public Optional<Ticket> admitJoin(String customer) {
        return admit(joins, customer);
    }

    /** Admits under {@code lane}; the admitted request's context remembers the lane (for {@link #shedBusy}). */
    private Optional<Ticket> admit(LaneState lane, String customer) {
        if (!shares.tryEnter(customer, lane.limiter().getLimit())) {
            return refused(shedCustomer, lane);
        }
        Optional<Limiter.Listener> listener = lane.limiter().acquire(null);
        if (listener.isEmpty()) {
            shares.leave(customer);
            return refused(lane.shedAtLimit(), lane);
        }
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            context.putLocal(LANE_KEY, lane.lane());
        }
        Limiter.Listener l = listener.get();
        return Optional.of(new Ticket() {
            @Override
            public void done() {
                shares.leave(customer);
                l.onSuccess();
                lane.waits().served(System.nanoTime());
            }

            @Override
            public void dropped() {
                shares.leave(customer);
                l.onDropped();
            }

            @Override
            public void ignored() {
                shares.leave(customer);
                l.onIgnore();
            }
        });
    }

    private static Optional<Ticket> refused(Counter reason, LaneState lane) {
        reason.increment();
        lane.waits().shed(System.nanoTime());
        return Optional.empty();
    }

    /** How many requests may be running for a new hold to start under {@code limit}: at least one. */
    int holdLimit(int limit) {
        return Math.max(1, (int) Math.floor(limit * config.holdShare()));
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
        return new LaneState(lane, limiter, shed, waits);
    }

    @Override
    public long shedForCapacity() {
        return (long) writes.shedAtLimit().count() + busyWrites.sum();
    }
}
