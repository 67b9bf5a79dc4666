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

    @Test
    void brokerConnectionCutAndRestoredLosesNoEvent() throws Exception {
        Duration outage = Duration.ofSeconds(Scenarios.size(8, 30));
        try (ScenarioEnvironment env = ScenarioEnvironment.create("broker_cut")) {
            FaultProxy broker = env.proxyToBroker();
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct().broker(broker));
            env.startCollector();
            BookingWorkload workload = BookingWorkload.burst(service);
            Scenarios.FaultRun<Void> cut = Scenarios.underLoad(env, workload, Duration.ofSeconds(60),
                    Scenarios.cut(broker, outage));
            new ScenarioReport("broker-connection-cut",
                    "every service connection to RabbitMQ cut (proxy closed, new connections refused) for "
                            + outage.toSeconds() + " s, then restored",
                    BookingWorkload.BURST)
                    .checked(env, workload.ledger(), List.of(), cut.probe())
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
            BookingWorkload workload = BookingWorkload.burst(service);
            Scenarios.FaultRun<Void> restart = Scenarios.underLoad(env, workload, Duration.ofSeconds(60), () -> {
                try {
                    Infrastructure.brokerStopApp();
                    Scenarios.hold(Duration.ofSeconds(3));
                } finally {
                    Infrastructure.brokerStartApp();
                }
                return null;
            });
            new ScenarioReport("broker-restart",
                    "RabbitMQ application stopped and started (rabbitmqctl stop_app, 3 s, start_app): down "
                            + (restart.probe().faultEndMillis() - restart.startedMillis()) + " ms",
                    BookingWorkload.BURST)
                    .checked(env, workload.ledger(), List.of(), restart.probe())
                    .writeAndAssert();
        }
    }
}
