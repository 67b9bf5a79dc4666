package io.seatbooking.reliability;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.seatbooking.reliability.ScenarioEnvironment.Wiring;

/**
 * Scenario 2: the broker goes away under a booking burst. The broker is not on the request path
 * (events wait in the outbox), so the API must keep answering without a single 5xx, and every
 * event must go out once the broker is back.
 */
class BrokerFaultIT {

    @Test
    void brokerConnectionCutAndRestoredLosesNoEvent() throws Exception {
        // No fault window: the broker is not on the request path, so not even a 503 is allowed.
        Scenarios.connectionCut("broker-connection-cut", Scenarios.Dependency.BROKER,
                Duration.ofSeconds(Scenarios.size(8, 30)), cut -> List.of());
    }

    @Test
    void brokerRestartedLosesNoEvent() throws Exception {
        Infrastructure.assumeRestartAllowed("broker restart");
        try (ScenarioEnvironment env = ScenarioEnvironment.create("broker_restart")) {
            Scenarios.FaultRun<Void> restart = Scenarios.burstAround(env, Wiring.direct(), Duration.ofSeconds(60), () -> {
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
                    .checked(env, restart, List.of())
                    .writeAndAssert();
        }
    }
}
