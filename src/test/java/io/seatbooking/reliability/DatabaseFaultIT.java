package io.seatbooking.reliability;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

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
        Duration outage = Duration.ofSeconds(Scenarios.size(6, 30));
        try (ScenarioEnvironment env = ScenarioEnvironment.create("db_cut")) {
            FaultProxy database = env.proxyToDatabase();
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct().database(database));
            env.startCollector();
            BookingWorkload workload = BookingWorkload.burst(service);
            Scenarios.FaultRun<Void> cut = Scenarios.underLoad(env, workload, Duration.ofSeconds(60),
                    Scenarios.cut(database, outage));
            new ScenarioReport("db-connection-cut",
                    "every service connection to PostgreSQL cut (proxy closed, new connections refused) for "
                            + outage.toSeconds() + " s, then restored",
                    BookingWorkload.BURST)
                    .checked(env, workload.ledger(), List.of(graceWindow(cut)), cut.probe())
                    .writeAndAssert();
        }
    }

    @Test
    void databaseRestartedKeepsEveryInvariant() throws Exception {
        String noRights = Infrastructure.whyNoRestartRights();
        Assumptions.assumeTrue(noRights == null, () -> "database restart skipped: " + noRights);
        Assumptions.assumeTrue(Infrastructure.awaitNoBenchmark(10), "database restart skipped: a benchmark is running");
        try (ScenarioEnvironment env = ScenarioEnvironment.create("db_restart")) {
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct());
            env.startCollector();
            BookingWorkload workload = BookingWorkload.burst(service);
            Scenarios.FaultRun<Infrastructure.Result> restart = Scenarios.underLoad(env, workload, Duration.ofSeconds(90),
                    Infrastructure::restartPostgres);
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
                    .checked(env, workload.ledger(), List.of(graceWindow(restart)), restart.probe())
                    .writeAndAssert();
        }
    }

    /** From the fault's start until {@link #GRACE_MILLIS} after it ended, the API may answer 503. */
    private static InvariantChecker.Window graceWindow(Scenarios.FaultRun<?> fault) {
        return new InvariantChecker.Window(fault.startedMillis(), fault.probe().faultEndMillis() + GRACE_MILLIS, false);
    }
}
