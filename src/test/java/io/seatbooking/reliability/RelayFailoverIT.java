package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
                // Up to 30 s, then on: the handover time is asserted below, after the report.
                Scenarios.waitUpTo(Duration.ofSeconds(30), Duration.ofMillis(50), survivor::isRelayLeader);
                handoverMillis = System.currentTimeMillis() - killedAt;
                Scenarios.awaitMoreHolds(workload.ledger(), 150, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            ScenarioReport report = new ScenarioReport("relay-failover",
                    "two instances; the relay leader SIGKILLed mid-burst (after 150 holds), not restarted",
                    "12 clients spread over both instances (the survivor only after the kill); hold/confirm/cancel mix")
                    .put("handoverMs", handoverMillis)
                    .checked(env, workload.ledger(), List.of(new InvariantChecker.Window(killedAt, killedAt + 2_000, true)),
                            probe);
            report.writeAndAssert();
            assertThat(handoverMillis).as("handover time").isLessThanOrEqualTo(HANDOVER_BOUND.toMillis());
        }
    }

    private static ServiceProcess awaitLeader(ServiceProcess one, ServiceProcess two) {
        return await("a single relay leader among the two instances").atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> soleLeader(one, two), Optional::isPresent).orElseThrow();
    }

    /** The one instance that reports itself as the relay leader, if exactly one does. */
    private static Optional<ServiceProcess> soleLeader(ServiceProcess one, ServiceProcess two) {
        boolean first = one.isRelayLeader();
        boolean second = two.isRelayLeader();
        return first == second ? Optional.empty() : Optional.of(first ? one : two);
    }
}
