package io.seatbooking.queue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * The waiting room's metrics (docs/waiting-room.md): customers joined, admitted, abandoned (an
 * admission that expired unused), the wait from joining to admission, and the customers waiting
 * in the rooms this replica last looked at.
 */
@Startup // registered at start, so that the series exist before the first room opens
@Singleton
public class QueueMetrics {

    private final Counter joined;
    private final Counter admitted;
    private final Counter abandoned;
    private final Timer wait;
    private final AtomicLong waiting = new AtomicLong();

    public QueueMetrics(MeterRegistry registry) {
        joined = Counter.builder("queue.joined").description("Customers who joined a waiting room").register(registry);
        admitted = Counter.builder("queue.admitted").description("Customers admitted from a waiting room")
                .register(registry);
        abandoned = Counter.builder("queue.abandoned")
                .description("Admissions that expired unused; their slots went to the next in line").register(registry);
        wait = Timer.builder("queue.wait").description("Time from joining a waiting room to admission")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("queue.waiting", waiting, AtomicLong::get)
                .description("Customers waiting in the open waiting rooms (as of the last admitter tick)")
                .register(registry);
    }

    public void joined() {
        joined.increment();
    }

    public void admitted(Duration waited) {
        admitted.increment();
        wait.record(waited);
    }

    public void abandoned(int count) {
        abandoned.increment(count);
    }

    public void waiting(long count) {
        waiting.set(count);
    }
}
