package io.seatbooking.web.admission;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seatbooking.platform.WritePathLoad;

/**
 * The adaptive concurrency limit of the write path (Netflix concurrency-limits, Gradient2: the
 * limit follows the latency the database gives; when latency climbs above its long-term
 * baseline, the limit comes down), with a per-customer share on top. A request beyond either is
 * refused at once: the caller answers it {@code 503 overloaded}, never with a wait.
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
    private final CustomerShare shares;
    private final Counter shedLimit;
    private final Counter shedCustomer;
    private final Counter shedBusy;

    public Admission(AdmissionConfig config, MeterRegistry registry) {
        this.config = config;
        this.limiter = SimpleLimiter.newBuilder().named("write-path")
                .limit(Gradient2Limit.newBuilder()
                        .initialLimit(config.initialLimit())
                        .minLimit(config.minLimit())
                        .maxConcurrency(config.maxLimit())
                        .build())
                .build();
        this.shares = new CustomerShare(config.customerShare());
        Gauge.builder("admission.limit", limiter, SimpleLimiter::getLimit)
                .description("Current concurrency limit of the write path").register(registry);
        Gauge.builder("admission.inflight", limiter, SimpleLimiter::getInflight)
                .description("Admitted write requests running now").register(registry);
        this.shedLimit = Counter.builder("admission.shed").tag("reason", "limit")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedCustomer = Counter.builder("admission.shed").tag("reason", "customer-share")
                .description("Write requests refused with 503 overloaded").register(registry);
        this.shedBusy = Counter.builder("admission.shed").tag("reason", "database-busy")
                .description("Requests answered 503 overloaded: no database connection in time, or past their deadline")
                .register(registry);
    }

    /** A request was shed further in: no database connection for it in time. */
    public void shedBusy() {
        shedBusy.increment();
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
        int limit = limiter.getLimit();
        if (newWork && limiter.getInflight() >= holdLimit(limit)) {
            shedLimit.increment();
            return Optional.empty();
        }
        if (!shares.tryEnter(customer, limit)) {
            shedCustomer.increment();
            return Optional.empty();
        }
        Optional<Limiter.Listener> listener = limiter.acquire(null);
        if (listener.isEmpty()) {
            shares.leave(customer);
            shedLimit.increment();
            return Optional.empty();
        }
        Limiter.Listener l = listener.get();
        return Optional.of(new Ticket() {
            @Override
            public void done() {
                shares.leave(customer);
                l.onSuccess();
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

    /** How many requests may be running for a new hold to start under {@code limit}: at least one. */
    int holdLimit(int limit) {
        return Math.max(1, (int) Math.floor(limit * config.holdShare()));
    }

    /** Whole seconds for a {@code Retry-After}: the configured minimum plus random jitter. */
    public long retryAfterSeconds() {
        long min = Math.max(1, config.retryAfter().toSeconds());
        long jitter = Math.max(0, config.retryAfterJitter().toSeconds());
        return min + ThreadLocalRandom.current().nextLong(jitter + 1);
    }

    public int limit() {
        return limiter.getLimit();
    }

    @Override
    public long shedForCapacity() {
        return (long) (shedLimit.count() + shedBusy.count());
    }
}
