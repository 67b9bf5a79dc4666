package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The soak: a steady booking rate for a while (CI 75 s; {@code -Dreliability.full=true} 5 min;
 * {@code -Dreliability.soak.seconds=N} any), sampling every 5 s the child's resident memory
 * (VmRSS from /proc), its heap in use, and the outbox's pending count and oldest pending age.
 *
 * <p>Flat means: the heap is fixed (-Xms = -Xmx = 256 MB, pre-touched), so RSS growth can only
 * come from native memory; the highest RSS of the last third of the run may exceed the highest of
 * the middle third by at most 5% + 8 MB (the first third is warm-up: JIT, class loading). The
 * oldest pending outbox age stays under 5 s in every sample after the first (the relay keeps up).
 */
class SoakIT {

    @Test
    void steadyRateKeepsMemoryAndOutboxAgeFlat() throws Exception {
        int seconds = Integer.getInteger("reliability.soak.seconds", Scenarios.size(75, 300));
        double rate = 20;
        try (ScenarioEnvironment env = ScenarioEnvironment.create("soak")) {
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct()
                    .jvm("-Xms256m", "-XX:+AlwaysPreTouch"));
            env.startCollector();
            List<Map<String, Object>> samples = new ArrayList<>();
            int showCount = (int) (rate * seconds * 1.6 / 100) + 5;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 6, showCount, 100, rate);
            try {
                Scenarios.sampleEvery(Duration.ofSeconds(5), Duration.ofSeconds(seconds), elapsed -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("t", elapsed);
                    s.put("rssMb", service.rssKb() / 1024);
                    s.put("heapUsedMb", (long) (service.metric("jvm_memory_used_bytes{area=\"heap\"") / 1_048_576));
                    s.put("outboxPending", InvariantChecker.pending(env));
                    s.put("oldestPendingAgeS", env.queryLong("""
                            SELECT coalesce(extract(epoch FROM now() - min(o.created_at)), 0)::bigint
                              FROM outbox_pending p JOIN outbox_event o ON o.id = p.id"""));
                    s.put("holds", workload.ledger().known().size());
                    samples.add(s);
                    System.out.println("[reliability] soak sample " + s);
                });
            } finally {
                workload.stop();
            }
            int third = samples.size() / 3;
            long middleMax = samples.subList(third, 2 * third).stream().mapToLong(s -> (Long) s.get("rssMb")).max().orElse(0);
            long lastMax = samples.subList(2 * third, samples.size()).stream().mapToLong(s -> (Long) s.get("rssMb")).max()
                    .orElse(0);
            long maxAge = samples.stream().skip(1).mapToLong(s -> (Long) s.get("oldestPendingAgeS")).max().orElse(0);
            new ScenarioReport("soak", "none: steady load for " + seconds + " s",
                    "6 clients paced to " + rate + " holds/s in total (plus their confirms and cancels)")
                    .put("samples", samples)
                    .put("rssMiddleThirdMaxMb", middleMax)
                    .put("rssLastThirdMaxMb", lastMax)
                    .put("oldestPendingAgeMaxS", maxAge)
                    .putAll(InvariantChecker.check(env, workload.ledger(), List.of()))
                    .put("recoveryFirstBookingMs", "n/a")
                    .put("recoveryBacklogDrainedMs", "n/a")
                    .writeAndAssert();
            assertThat(lastMax).as("RSS flat: last third's max vs middle third's max").isLessThanOrEqualTo(
                    (long) (middleMax * 1.05) + 8);
            assertThat(maxAge).as("oldest pending outbox age (s)").isLessThan(5);
        }
    }
}
