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

    private static final String WORKLOAD = "8 clients, no pacing: hold 1-3 random seats of 60-seat shows, "
            + "confirm 65%, cancel 15% (+10% of confirmed)";
    /** After the database is back, the pool may still hand out a dead connection or two. */
    private static final long GRACE_MILLIS = 10_000;

    @Test
    void databaseConnectionCutAndRestoredKeepsEveryInvariant() throws Exception {
        Duration outage = Duration.ofSeconds(Scenarios.size(6, 30));
        try (ScenarioEnvironment env = ScenarioEnvironment.create("db_cut")) {
            FaultProxy database = env.proxyToDatabase();
            ServiceProcess service = env.startService(ScenarioEnvironment.Wiring.direct().database(database));
            env.startCollector();
            RecoveryProbe probe;
            long cutAt;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 8, 30, 60, 0);
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
                cutAt = System.currentTimeMillis();
                database.cut();
                Scenarios.hold(outage);
                database.restore();
                probe = RecoveryProbe.faultEndedNow(env);
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
            } finally {
                workload.stop();
            }
            new ScenarioReport("db-connection-cut",
                    "every service connection to PostgreSQL cut (proxy closed, new connections refused) for "
                            + outage.toSeconds() + " s, then restored",
                    WORKLOAD)
                    .putAll(InvariantChecker.check(env, workload.ledger(), List.of(
                            new InvariantChecker.Window(cutAt, probe.faultEndMillis() + GRACE_MILLIS, false))))
                    .putAll(probe.figures(workload.ledger()))
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
            RecoveryProbe probe;
            long restartAt;
            Infrastructure.Result restart;
            BookingWorkload workload = BookingWorkload.start(List.of(service.base()), 8, 30, 60, 0);
            try {
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(60));
                restartAt = System.currentTimeMillis();
                restart = Infrastructure.restartPostgres();
                probe = RecoveryProbe.faultEndedNow(env);
                if (restart.exit() != 0) {
                    System.out.println("[reliability] database restart refused (" + restart.output()
                            + "); the scenario ran without it");
                }
                Scenarios.awaitMoreHolds(workload.ledger(), 100, Duration.ofSeconds(90));
            } finally {
                workload.stop();
            }
            Assumptions.assumeTrue(restart.exit() == 0, () -> "database restart skipped: " + restart.output());
            new ScenarioReport("db-restart",
                    "PostgreSQL restarted (pg_ctlcluster restart, fast shutdown): took "
                            + (probe.faultEndMillis() - restartAt) + " ms",
                    WORKLOAD)
                    .putAll(InvariantChecker.check(env, workload.ledger(), List.of(
                            new InvariantChecker.Window(restartAt, probe.faultEndMillis() + GRACE_MILLIS, false))))
                    .putAll(probe.figures(workload.ledger()))
                    .writeAndAssert();
        }
    }
}
