package io.seatbooking.web.admission;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seatbooking.platform.WritePathLoad;

/**
 * The adaptive concurrency limits of the request paths that write (Netflix concurrency-limits,
 * Gradient2: the limit follows the latency the database gives; when latency climbs above its
 * long-term baseline, the limit comes down), with a per-customer share on top: one limit for
 * holds, confirms and cancels, one of its own for waiting-room joins (a crowd joining must not
 * take the slots of the customers it admitted). A request beyond either is refused at once: the
 * caller answers it {@code 503 overloaded}, never with a wait, with a {@code Retry-After} that
 * grows with the share of requests shed ({@link RetryAfterPolicy}).
 */
@ApplicationScoped
public class Admission implements WritePathLoad {

    /** An admitted request; exactly one of its methods is called when it ends. */
    public interface Ticket {
        /** Answered (2xx, 4xx): its latency feeds the limit. */
        void done();

        /** Shed further in (no connection in time): the limit comes down. */
        void dropped();

        /** Ended otherwise (client gone, unexpected failure): not measured. */
        void ignored();
    }

    private final AdmissionConfig config;
    private final SimpleLimiter<Void> limiter;
    private final SimpleLimiter<Void> joins;
    private final CustomerShare shares;
    private final RetryAfterPolicy retryAfter;
    private final RetryAfterPolicy joinRetryAfter;
    private final Counter shedLimit;
    private final Counter shedCustomer;
    private final Counter shedBusy;
    private final Counter shedJoin;
    private final LongAdder busyWrites = new LongAdder();

    public Admission(AdmissionConfig config, MeterRegistry registry) {
        this.config = config;
        this.limiter = limiter("write-path", config);
        this.joins = limiter("queue-join", config);
        this.shares = new CustomerShare(config.customerShare());
        // Each lane its own wait: a crowd joining must not make admitted customers wait long between holds.
        this.retryAfter = new RetryAfterPolicy(config.retryAfter(), config.retryAfterMax(), config.retryAfterJitter(),
                System.nanoTime());
        this.joinRetryAfter = new RetryAfterPolicy(config.retryAfter(), config.retryAfterMax(),
                config.retryAfterJitter(), System.nanoTime());
        Gauge.builder("admission.limit", limiter, SimpleLimiter::getLimit)
                .description("Current concurrency limit of the write path").register(registry);
        Gauge.builder("admission.inflight", limiter, SimpleLimiter::getInflight)
                .description("Admitted write requests running now").register(registry);
        Gauge.builder("admission.join.limit", joins, SimpleLimiter::getLimit)
                .description("Current concurrency limit of waiting-room joins").register(registry);
        Gauge.builder("admission.retry.after", retryAfter, p -> p.waitSeconds(System.nanoTime())).tag("lane", "write")
                .description("The Retry-After (seconds, before jitter) that shed requests are answered with now")
                .register(registry);
        Gauge.builder("admission.retry.after", joinRetryAfter, p -> p.waitSeconds(System.nanoTime())).tag("lane", "join")
                .description("The Retry-After (seconds, before jitter) that shed requests are answered with now")
                .register(registry);
        this.shedLimit = Counter.builder("admission.shed").tag("reason", "limit")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedCustomer = Counter.builder("admission.shed").tag("reason", "customer-share")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedJoin = Counter.builder("admission.shed").tag("reason", "join-limit")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedBusy = Counter.builder("admission.shed").tag("reason", "database-busy")
                .description("Requests answered 503 overloaded: no database connection in time, or past their deadline")
                .register(registry);
    }

    /**
     * A request was shed further in: no database connection for it in time. Only a write's counts
     * as the write path shedding for capacity (what the waiting room's admitter follows): a crowd's
     * polls finding the pool busy must not stop the admissions the crowd waits for.
     */
    public void shedBusy(boolean write) {
        shedBusy.increment();
        if (write) {
            busyWrites.increment();
        }
        retryAfter.shed(System.nanoTime());
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
        if (newWork && limiter.getInflight() >= holdLimit(limiter.getLimit())) {
            return refused(shedLimit, retryAfter);
        }
        return admit(limiter, customer, shedLimit, retryAfter);
    }

    /** Admits a waiting-room join of {@code customer} under the joins' own limit, or refuses it (empty). */
    public Optional<Ticket> admitJoin(String customer) {
        return admit(joins, customer, shedJoin, joinRetryAfter);
    }

    private Optional<Ticket> admit(SimpleLimiter<Void> lane, String customer, Counter shedAtLimit,
            RetryAfterPolicy waits) {
        if (!shares.tryEnter(customer, lane.getLimit())) {
            return refused(shedCustomer, waits);
        }
        Optional<Limiter.Listener> listener = lane.acquire(null);
        if (listener.isEmpty()) {
            shares.leave(customer);
            return refused(shedAtLimit, waits);
        }
        Limiter.Listener l = listener.get();
        return Optional.of(new Ticket() {
            @Override
            public void done() {
                shares.leave(customer);
                l.onSuccess();
                waits.served(System.nanoTime());
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

    private static Optional<Ticket> refused(Counter reason, RetryAfterPolicy waits) {
        reason.increment();
        waits.shed(System.nanoTime());
        return Optional.empty();
    }

    /** How many requests may be running for a new hold to start under {@code limit}: at least one. */
    int holdLimit(int limit) {
        return Math.max(1, (int) Math.floor(limit * config.holdShare()));
    }

    /** Whole seconds for a {@code Retry-After} of a write: the wait the load calls for, plus random jitter. */
    public long retryAfterSeconds() {
        return retryAfter.retryAfterSeconds(System.nanoTime(), ThreadLocalRandom.current().nextDouble());
    }

    /** The same for a shed waiting-room join. */
    public long joinRetryAfterSeconds() {
        return joinRetryAfter.retryAfterSeconds(System.nanoTime(), ThreadLocalRandom.current().nextDouble());
    }

    public int limit() {
        return limiter.getLimit();
    }

    private static SimpleLimiter<Void> limiter(String name, AdmissionConfig config) {
        return SimpleLimiter.newBuilder().named(name)
                .limit(Gradient2Limit.newBuilder()
                        .initialLimit(config.initialLimit())
                        .minLimit(config.minLimit())
                        .maxConcurrency(config.maxLimit())
                        .build())
                .build();
    }

    @Override
    public long shedForCapacity() {
        return (long) shedLimit.count() + busyWrites.sum();
    }
}
