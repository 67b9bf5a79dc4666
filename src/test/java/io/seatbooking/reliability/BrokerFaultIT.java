package io.seatbooking.reliability;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2: the broker goes away under a booking burst. The broker is not on the request path
 * (events wait in the outbox), so the API must keep answering without a single 5xx, and every
 * event must go out once the broker is back.
 */
class BrokerFaultIT {

    private static final String WORKLOAD = "8 clients, no pacing: hold 1-3 random seats of 60-seat shows, "
            + "confirm 65%, cancel 15% (+10% of confirmed)";

    @Test
    void brokerConnectionCutAndRestoredLosesNoEvent() throws Exception {
        Duration outage = Duration.ofSeconds(Scenarios.size(8, 30));
        try (ScenarioEnvironment env = ScenarioEnvironment.create("broker_cut")) {
            FaultProxy broker = env.proxyToBroker();
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct().broker(broker));
            env.startCollector();
            RecoveryProbe probe;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 8, 30, 60, 0);
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
                broker.cut();
                Scenarios.hold(outage);
                broker.restore();
                probe = RecoveryProbe.faultEndedNow(env);
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            new ScenarioReport("broker-connection-cut",
                    "every service connection to RabbitMQ cut (proxy closed, new connections refused) for "
                            + outage.toSeconds() + " s, then restored",
                    WORKLOAD)
                    .putAll(InvariantChecker.check(env, workload.ledger(), List.of()))
                    .putAll(probe.figures(workload.ledger()))
                    .writeAndAssert();
        }
    }

    @Test
    void brokerRestartedLosesNoEvent() throws Exception {
        String noRights = Infrastructure.whyNoRestartRights();
        Assumptions.assumeTrue(noRights == null, () -> "broker restart skipped: " + noRights);
        Assumptions.assumeTrue(Infrastructure.awaitNoBenchmark(10), "broker restart skipped: a benchmark is running");
        try (ScenarioEnvironment env = ScenarioEnvironment.create("broker_restart")) {
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct());
            env.startCollector();
            RecoveryProbe probe;
            long stoppedFor;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 8, 30, 60, 0);
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
                long stopAt = System.currentTimeMillis();
                try {
                    Infrastructure.brokerStopApp();
                    Scenarios.hold(Duration.ofSeconds(3));
                } finally {
                    Infrastructure.brokerStartApp();
                }
                stoppedFor = System.currentTimeMillis() - stopAt;
                probe = RecoveryProbe.faultEndedNow(env);
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            new ScenarioReport("broker-restart",
                    "RabbitMQ application stopped and started (rabbitmqctl stop_app, 3 s, start_app): down "
                            + stoppedFor + " ms",
                    WORKLOAD)
                    .putAll(InvariantChecker.check(env, workload.ledger(), List.of()))
                    .putAll(probe.figures(workload.ledger()))
                    .writeAndAssert();
        }
    }
}
