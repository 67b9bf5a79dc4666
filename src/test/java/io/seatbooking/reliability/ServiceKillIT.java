package io.seatbooking.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Scenario 1: the service is SIGKILLed in the middle of a booking burst and started again on the
 * same port (CI: one kill; full: three). Requests in flight at the kill get no answer; whatever
 * they committed must be consistent, and every committed change's event must still go out.
 */
class ServiceKillIT {

    @Test
    void sigkillMidBurstAndRestartLosesNoBookingAndNoEvent() throws Exception {
        int kills = Scenarios.size(1, 3);
        try (ScenarioEnvironment env = ScenarioEnvironment.create("service_kill")) {
            ScenarioEnvironment.Wiring wiring = ScenarioEnvironment.Wiring.direct();
            ServiceProcess service = env.startService(wiring);
            env.startCollector();
            List<InvariantChecker.Window> windows = new ArrayList<>();
            RecoveryProbe probe = null;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 12, 30, 60, 0);
            try {
                for (int k = 0; k < kills; k++) {
                    Scenarios.awaitMoreHolds(workload.ledger(), 150, Duration.ofSeconds(60));
                    long killedAt = System.currentTimeMillis();
                    service.kill();
                    probe = RecoveryProbe.faultEndedNow(env); // the restart is issued at once
                    service = env.startService(wiring);
                    windows.add(new InvariantChecker.Window(killedAt, System.currentTimeMillis() + 1_000, true));
                }
                Scenarios.awaitMoreHolds(workload.ledger(), 150, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            new ScenarioReport("service-kill",
                    kills + "x SIGKILL of the service mid-burst (after 150 more holds each time), restarted at once",
                    "12 clients, no pacing: hold 1-3 random seats of 60-seat shows, confirm 65%, cancel 15% (+10% of confirmed)")
                    .checked(env, workload.ledger(), windows, probe)
                    .writeAndAssert();
        }
    }
}
