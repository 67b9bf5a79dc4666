package io.seatbooking.outbox.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.seatbooking.messaging.ConfirmingPublisher.FailureKind;

/**
 * The relay's meters: throughput, confirm latency, failures, retries and role. Recorded on the
 * relay's event loop for every event, so kept lean: the two latency timers publish histogram
 * buckets only, no percentiles computed in the process (a ring of histograms updated at every
 * event, 3.6 % of the event loop in a profile of a drain; and one replica's percentiles cannot be
 * added up across replicas, where {@code histogram_quantile} over the buckets can); the published
 * counter is added to once per group of confirms (each update of a Prometheus meter also looks
 * for a span to keep as its exemplar).
 */
public final class RelayMetrics {

    private final Counter published;
    private final Counter retries;
    private final Timer confirmLatency;
    private final Timer commitToConfirm;
    private final Timer commitToPublish;
    private final MeterRegistry registry;
    private final AtomicInteger leader = new AtomicInteger();
    private final AtomicInteger partitions = new AtomicInteger();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.published = Counter.builder("outbox.published")
                .description("Outbox messages confirmed by the broker").register(registry);
        this.retries = Counter.builder("outbox.publish.retries")
                .description("Outbox messages left pending after a failed publish, to be published again")
                .register(registry);
        this.confirmLatency = Timer.builder("outbox.confirm.latency")
                .description("From publish to the broker's confirm")
                .publishPercentileHistogram().register(registry);
        this.commitToConfirm = Timer.builder("outbox.commit.to.confirm")
                .description("From the business transaction writing the row to the broker's confirm")
                .publishPercentileHistogram().register(registry);
        this.commitToPublish = Timer.builder("outbox.commit.to.publish")
                .description("From the business transaction writing the row to its publish: the relay's part of"
                        + " commit-to-confirm, the broker's confirm latency being the rest")
                .publishPercentileHistogram().register(registry);
        registry.gauge("outbox.relay.leader", leader);
        registry.gauge("outbox.relay.partitions", partitions);
        for (FailureKind kind : FailureKind.values()) {
            failures(kind);
        }
    }

    /**
     * One confirmed message's latencies; {@link #published} counts the confirms of a group at once.
     * Its write-to-publish time is its write-to-confirm time less its publish-to-confirm time, so
     * that a publish reads no clock of its own.
     */
    void confirmed(long publishToConfirmNanos, Instant createdAt, Instant now) {
        confirmLatency.record(publishToConfirmNanos, TimeUnit.NANOSECONDS);
        Duration sinceWrite = Duration.between(createdAt, now);
        if (!sinceWrite.isNegative()) {
            commitToConfirm.record(sinceWrite);
            commitToPublish.record(Math.max(0, sinceWrite.toNanos() - publishToConfirmNanos), TimeUnit.NANOSECONDS);
        }
    }

    void published(int confirmed) {
        published.increment(confirmed);
    }

    void failed(FailureKind kind) {
        failures(kind).increment();
    }

    private Counter failures(FailureKind kind) {
        return Counter.builder("outbox.publish.failures").tag("kind", kind.name().toLowerCase())
                .description("Publishes the broker did not confirm, by cause").register(registry);
    }

    void retried() {
        retries.increment();
    }

    void partitions(int held) {
        partitions.set(held);
    }

    void leader(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }
}
