package io.seatbooking.reliability;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.seatbooking.reliability.ScenarioEnvironment.Wiring;

/**
 * Scenario 3: PostgreSQL goes away under a booking burst. While it is away the API may answer
 * 503 (problem+json, the service's mapping of "database out of reach"), never another 5xx and
 * never hang; a request whose 503 hid a commit must be consistent. Within 10 s of the database
 * coming back the service must book again, and every committed change's event must go out.
 */
class DatabaseFaultIT {

    /** After the database is back, the pool may still hand out a dead connection or two. */
    private static final long GRACE_MILLIS = 10_000;

    @Test
    void databaseConnectionCutAndRestoredKeepsEveryInvariant() throws Exception {
        Scenarios.connectionCut("db-connection-cut", Scenarios.Dependency.DATABASE,
                Duration.ofSeconds(Scenarios.size(6, 30)), cut -> List.of(graceWindow(cut)));
    }

    @Test
    void databaseRestartedKeepsEveryInvariant() throws Exception {
        Infrastructure.assumeRestartAllowed("database restart");
        try (ScenarioEnvironment env = ScenarioEnvironment.create("db_restart")) {
            Scenarios.FaultRun<Infrastructure.Result> restart = Scenarios.burstAround(env, Wiring.direct(),
                    Duration.ofSeconds(90), Infrastructure::restartPostgres);
            if (restart.result().exit() != 0) {
                System.out.println("[reliability] database restart refused (" + restart.result().output()
                        + "); the scenario ran without it");
            }
            Assumptions.assumeTrue(restart.result().exit() == 0,
                    () -> "database restart skipped: " + restart.result().output());
            new ScenarioReport("db-restart",
                    "PostgreSQL restarted (pg_ctlcluster restart, fast shutdown): took "
                            + (restart.probe().faultEndMillis() - restart.startedMillis()) + " ms",
                    BookingWorkload.BURST)
                    .checked(env, restart, List.of(graceWindow(restart)))
                    .writeAndAssert();
        }
    }

    /** From the fault's start until {@link #GRACE_MILLIS} after it ended, the API may answer 503. */
    private static InvariantChecker.Window graceWindow(Scenarios.FaultRun<?> fault) {
        return new InvariantChecker.Window(fault.startedMillis(), fault.probe().faultEndMillis() + GRACE_MILLIS, false);
    }
}
