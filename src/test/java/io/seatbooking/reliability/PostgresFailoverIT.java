package io.seatbooking.reliability;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.seatbooking.reliability.ScenarioEnvironment.Wiring;
import io.seatbooking.reliability.replicated.PostgresPair;
import io.seatbooking.reliability.replicated.SwitchProxy;

/**
 * PostgreSQL failover under a booking burst, on the engines production runs: a primary and a
 * streaming standby started by the test ({@link PostgresPair}), the service reaching "the primary"
 * through a proxy that plays the CloudNativePG {@code -rw} Service ({@link SwitchProxy}).
 *
 * <ul>
 * <li><b>Primary killed</b>: the replication link is held for {@link #LAG} (the standby falls
 * behind, as a busy or distant one does), then every process of the primary is SIGKILLed, the
 * standby is promoted ({@code pg_ctl promote}) and the proxy points at it. Synchronous
 * replication must lose nothing: every acknowledged booking exists on the new primary, no event
 * was published for a change it does not have, no seat is sold twice, every committed event is
 * delivered in order. The asynchronous run is the same scenario, reported and not asserted: its
 * figures are what the setting is worth (docs/reliability.md).</li>
 * <li><b>Primary partitioned</b> (synchronous): the service's connections to the primary, and
 * the replication link, go silent (open, nothing forwarded; new connections hang); the standby is
 * promoted and the proxy points at it. Only timeouts can tell: in-flight requests must end with a
 * 503 within {@code db.read-timeout} (10 s), below the clients' 20 s timeout, and nothing is lost.</li>
 * </ul>
 *
 * During the failover the API may answer {@code 503} (never another 5xx, never hang); from the
 * failover's start until {@link #GRACE_MILLIS} after the proxy points at the new primary.
 *
 * <p>Payments run beside the bookings ({@link Payments}): every booking the clients leave held is
 * paid through the broker, and each payment the broker confirmed must have its effect once on the
 * new primary (asserted with synchronous replication, reported with asynchronous).
 */
class PostgresFailoverIT {

    private static final Duration LAG = Duration.ofSeconds(2);
    private static final long GRACE_MILLIS = 15_000;

    @Test
    void synchronousStandbyPromotedAfterThePrimaryIsKilledLosesNothing() throws Exception {
        primaryKilled("pg-failover-sync-kill", true);
    }

    @Test
    void asynchronousStandbyPromotedAfterThePrimaryIsKilledIsReported() throws Exception {
        primaryKilled("pg-failover-async-kill", false);
    }

    @Test
    void synchronousStandbyPromotedAfterThePrimaryIsPartitionedLosesNothing() throws Exception {
        assumeEngines();
        try (PostgresPair pg = PostgresPair.start(true);
                SwitchProxy rw = SwitchProxy.to("rw", pg.primaryPort());
                ScenarioEnvironment env = ScenarioEnvironment.create("pg-failover-sync-partition", rw.port())) {
            Map<String, Object> failover = new LinkedHashMap<>();
            Scenarios.FaultRun<Void> run = Scenarios.burstWithPaymentsAround(env, Wiring.direct().databasePort(rw.port()),
                    Duration.ofSeconds(90), () -> {
                        rw.holdNew(true);
                        rw.silenceAll();
                        pg.holdReplication();
                        Scenarios.hold(LAG);
                        failover.put("promoteMs", pg.promoteStandby());
                        rw.pointAt(pg.standbyPort());
                        rw.holdNew(false);
                        return null;
                    });
            report(env, run, "pg-failover-sync-partition", true,
                    "synchronous replication; the service's connections to the primary and the replication link "
                            + "silenced (open, nothing forwarded; new connections held) for " + LAG.toSeconds()
                            + " s, the standby promoted, the -rw proxy pointed at it; the old primary left running",
                    failover);
        }
    }

    private static void primaryKilled(String scenario, boolean synchronous) throws Exception {
        assumeEngines();
        try (PostgresPair pg = PostgresPair.start(synchronous);
                SwitchProxy rw = SwitchProxy.to("rw", pg.primaryPort());
                ScenarioEnvironment env = ScenarioEnvironment.create(scenario, rw.port())) {
            Map<String, Object> failover = new LinkedHashMap<>();
            Scenarios.FaultRun<Void> run = Scenarios.burstWithPaymentsAround(env, Wiring.direct().databasePort(rw.port()),
                    Duration.ofSeconds(90), () -> {
                        pg.holdReplication();
                        Scenarios.hold(LAG);
                        failover.put("standbyBehindBytesAtKill", pg.standbyLagBytes());
                        pg.killPrimary();
                        failover.put("promoteMs", pg.promoteStandby());
                        rw.pointAt(pg.standbyPort());
                        rw.dropAll();
                        return null;
                    });
            report(env, run, scenario, synchronous, (synchronous ? "synchronous" : "asynchronous")
                    + " replication; the replication link held for " + LAG.toSeconds() + " s, then SIGKILL of every "
                    + "process of the primary, pg_ctl promote of the standby, the -rw proxy pointed at it", failover);
        }
    }

    private static void report(ScenarioEnvironment env, Scenarios.FaultRun<Void> run, String scenario,
            boolean assertInvariants, String injected, Map<String, Object> failover) throws Exception {
        InvariantChecker.Window window = new InvariantChecker.Window(run.startedMillis(),
                run.probe().faultEndMillis() + GRACE_MILLIS, false);
        // Payments first: the bookings whose payment was applied are then held to CONFIRMED by the checker.
        Map<String, Object> paid = run.payments().finish(env, run.startedMillis(),
                Duration.ofSeconds(assertInvariants ? 90 : 30));
        @SuppressWarnings("unchecked")
        List<String> paymentViolations = (List<String>) paid.get("paymentViolations");
        ScenarioReport report = new ScenarioReport(scenario, injected, BookingWorkload.BURST
                + "; one payment.succeeded per booking left held (20%), published with confirms, repeated until confirmed")
                .checked(env, run, List.of(window))
                .putAll(failover)
                .putAll(paid)
                .violations(paymentViolations)
                .put("failoverMs", run.probe().faultEndMillis() - run.startedMillis())
                .put("resultAlreadyCompleteErrors", logLines(env, "Result is already complete"));
        System.out.printf("[reliability] %s: answered201=%s lostAcknowledged=%s phantomEvents=%s phantomBookings=%s "
                + "seatsAcknowledgedTwice=%s duplicates=%s oversold=%s orderViolations=%s http5xx=%s(outside %s) "
                + "statuses=%s promoteMs=%s recoveryFirstBookingMs=%s resultAlreadyComplete=%s payments sent=%s "
                + "confirmed=%s applied=%s paymentViolations=%s%n", scenario,
                report.get("bookingsAnswered201"), report.get("bookingsMissing"), report.get("phantomEvents"),
                report.get("phantomBookings"), report.get("seatsAcknowledgedTwice"), report.get("duplicates"),
                report.get("oversoldSeats"), report.get("orderViolations"), report.get("http5xx"),
                report.get("http5xxOutsideFaultWindows"), report.get("httpStatuses"), report.get("promoteMs"),
                report.get("recoveryFirstBookingMs"), report.get("resultAlreadyCompleteErrors"), report.get("paymentsSent"),
                report.get("paymentsConfirmedByBroker"), report.get("paymentsApplied"), paymentViolations);
        if (assertInvariants) {
            report.writeAndAssert();
        } else {
            report.write();
        }
    }

    /** Lines of every service log of the scenario that contain {@code text}. */
    private static long logLines(ScenarioEnvironment env, String text) {
        return env.services().stream().mapToLong(s -> {
            try (var lines = Files.lines(s.log())) {
                return lines.filter(l -> l.contains(text)).count();
            } catch (Exception e) {
                return -1;
            }
        }).sum();
    }

    private static void assumeEngines() {
        String reason = PostgresPair.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "PostgreSQL failover scenarios skipped: " + reason);
    }
}
