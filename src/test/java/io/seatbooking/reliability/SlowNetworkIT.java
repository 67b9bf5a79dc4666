package io.seatbooking.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Scenario 6: a slow network between the service and each dependency. Both connections go
 * through proxies; the workload runs through phases: normal; added latency (PostgreSQL 20 ms and
 * RabbitMQ 50 ms per chunk, each way); PostgreSQL stalled (every byte held back, then delivered) for 3 s; RabbitMQ
 * stalled for 5 s; normal again. Slow is allowed (the hold latency per phase is reported); a 5xx
 * outside the PostgreSQL stall, a hang past the client's 20 s timeout, or any broken invariant is not.
 */
class SlowNetworkIT {

    @Test
    void latencyAndStallsTowardsEachDependencyKeepEveryInvariant() throws Exception {
        Duration phase = Duration.ofSeconds(Scenarios.size(8, 30));
        try (ScenarioEnvironment env = ScenarioEnvironment.create("slow_network")) {
            FaultProxy database = env.proxyToDatabase();
            FaultProxy broker = env.proxyToBroker();
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct().database(database).broker(broker));
            env.startCollector();
            List<InvariantChecker.Window> windows = new ArrayList<>();
            Map<String, long[]> phases = new LinkedHashMap<>();
            RecoveryProbe probe;
            BookingWorkload workload = BookingWorkload.burst(service);
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 50, Duration.ofSeconds(60));
                long t = System.currentTimeMillis();
                Scenarios.hold(phase);
                phases.put("normal", new long[] { t, System.currentTimeMillis() });

                t = System.currentTimeMillis();
                database.delay(20);
                broker.delay(50);
                Scenarios.hold(phase);
                database.delay(0);
                broker.delay(0);
                phases.put("latency pg 20ms, broker 50ms", new long[] { t, System.currentTimeMillis() });

                t = System.currentTimeMillis();
                database.stall(Duration.ofSeconds(3));
                Scenarios.hold(Duration.ofSeconds(3));
                phases.put("pg stalled 3 s", new long[] { t, System.currentTimeMillis() });
                windows.add(new InvariantChecker.Window(t, System.currentTimeMillis() + 5_000, false));

                t = System.currentTimeMillis();
                broker.stall(Duration.ofSeconds(5));
                Scenarios.hold(Duration.ofSeconds(5));
                probe = RecoveryProbe.faultEndedNow(env);
                phases.put("broker stalled 5 s", new long[] { t, System.currentTimeMillis() });

                t = System.currentTimeMillis();
                Scenarios.awaitMoreHolds(workload.ledger(), 50, Duration.ofSeconds(60));
                Scenarios.hold(phase);
                phases.put("normal again", new long[] { t, System.currentTimeMillis() });
            } finally {
                workload.stop();
            }
            Map<String, Object> latency = new LinkedHashMap<>();
            phases.forEach((name, span) -> latency.put(name, holdLatency(workload.ledger(), span[0], span[1])));
            new ScenarioReport("slow-network",
                    "proxies to both dependencies: +20 ms (PostgreSQL) and +50 ms (RabbitMQ) per chunk each way for "
                            + phase.toSeconds() + " s; PostgreSQL stalled 3 s; RabbitMQ stalled 5 s (bytes held, then delivered)",
                    BookingWorkload.BURST)
                    .put("holdLatencyByPhase", latency)
                    .checked(env, workload.ledger(), windows, probe)
                    .writeAndAssert();
        }
    }

    /** Holds answered in [from, to]: count, p50 and p99 latency in ms. */
    private static Map<String, Object> holdLatency(Ledger ledger, long from, long to) {
        List<Long> millis = ledger.calls().stream()
                .filter(c -> c.kind() == Ledger.Kind.HOLD && c.status() > 0 && c.endMillis() >= from && c.endMillis() <= to)
                .map(c -> c.endMillis() - c.startMillis()).sorted().toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holds", millis.size());
        m.put("p50Ms", millis.isEmpty() ? -1 : millis.get(millis.size() / 2));
        m.put("p99Ms", millis.isEmpty() ? -1 : millis.get(Math.min(millis.size() - 1, (int) (millis.size() * 0.99))));
        m.put("maxMs", millis.isEmpty() ? -1 : millis.get(millis.size() - 1));
        return m;
    }
}
