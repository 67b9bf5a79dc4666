package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Scenario 4: two instances share the database and the broker; the one holding the relay lease
 * ({@code outbox_relay_lease}) is SIGKILLed mid-burst. The other must take the role over within
 * the lease TTL plus one renew interval (5 s + 1 s, docs/relay.md) and publish everything,
 * including what the dead one had claimed but not marked.
 */
class RelayFailoverIT {

    /** Lease TTL 5 s + renew 1 s + the readiness poll and a loaded 2-core machine. */
    private static final Duration HANDOVER_BOUND = Duration.ofMillis(7_500);

    @Test
    void killingTheRelayLeaderHandsTheRoleOverAndLosesNothing() throws Exception {
        try (ScenarioEnvironment env = ScenarioEnvironment.create("relay_failover")) {
            ServiceProcess one = env.launch(ScenarioEnvironment.Wiring.direct());
            ServiceProcess two = env.launch(ScenarioEnvironment.Wiring.direct());
            one.awaitReady(Duration.ofSeconds(120));
            two.awaitReady(Duration.ofSeconds(120));
            env.startCollector();
            ServiceProcess leader = awaitLeader(one, two);
            ServiceProcess survivor = leader == one ? two : one;
            long handoverMillis;
            RecoveryProbe probe;
            long killedAt;
            BookingWorkload workload = BookingWorkload.start(List.of(one.base(), two.base()), 12, 30, 60, 0);
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 150, Duration.ofSeconds(60));
                assertThat(survivor.isRelayLeader()).isFalse();
                killedAt = System.currentTimeMillis();
                leader.kill();
                probe = RecoveryProbe.faultEndedNow(env);
                workload.target(List.of(survivor.base()));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!survivor.isRelayLeader() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                handoverMillis = System.currentTimeMillis() - killedAt;
                Scenarios.awaitMoreHolds(workload.ledger(), 150, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            ScenarioReport report = new ScenarioReport("relay-failover",
                    "two instances; the relay leader SIGKILLed mid-burst (after 150 holds), not restarted",
                    "12 clients spread over both instances (the survivor only after the kill); hold/confirm/cancel mix")
                    .put("handoverMs", handoverMillis)
                    .putAll(InvariantChecker.check(env, workload.ledger(),
                            List.of(new InvariantChecker.Window(killedAt, killedAt + 2_000, true))))
                    .putAll(probe.figures(workload.ledger()));
            report.writeAndAssert();
            assertThat(handoverMillis).as("handover time").isLessThanOrEqualTo(HANDOVER_BOUND.toMillis());
        }
    }

    private static ServiceProcess awaitLeader(ServiceProcess one, ServiceProcess two) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean first = one.isRelayLeader();
            boolean second = two.isRelayLeader();
            if (first != second) {
                return first ? one : two;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("No single relay leader among the two instances");
    }
}
