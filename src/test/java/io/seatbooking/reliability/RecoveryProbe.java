package io.seatbooking.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Recovery time after a fault ends (the moment the test restored the dependency or issued the
 * restart):
 * <ul>
 * <li>{@code recoveryFirstBookingMs}: until the first hold sent after that moment was answered
 * 201 (the API serves again);</li>
 * <li>{@code recoveryBacklogDrainedMs}: until no outbox row written before that moment was still
 * pending (the events held back by the fault have all been confirmed by the broker).</li>
 * </ul>
 * The backlog is polled every 100 ms straight from PostgreSQL (retrying while it restarts).
 */
final class RecoveryProbe {

    private final long faultEndMillis;
    private final Thread poller;
    private volatile long drainedAtMillis = -1;

    private RecoveryProbe(ScenarioEnvironment env, long faultEndMillis) {
        this.faultEndMillis = faultEndMillis;
        this.poller = Thread.ofPlatform().daemon().name("recovery-probe").start(() -> poll(env));
    }

    /** Starts measuring; call it at the moment the fault ends. */
    static RecoveryProbe faultEndedNow(ScenarioEnvironment env) {
        return new RecoveryProbe(env, System.currentTimeMillis());
    }

    long faultEndMillis() {
        return faultEndMillis;
    }

    private void poll(ScenarioEnvironment env) {
        // While the database is away (restarting) a poll fails with an SQLException: the next one tries again.
        boolean drained = Scenarios.waitUpTo(Duration.ofMinutes(3), Duration.ofMillis(100), () -> {
            try {
                return backlog(env) == 0;
            } catch (SQLException e) {
                return false;
            }
        });
        if (drained) {
            drainedAtMillis = System.currentTimeMillis();
        }
    }

    /** Outbox rows written up to the fault's end and not yet confirmed by the broker. */
    private long backlog(ScenarioEnvironment env) throws SQLException {
        try (Connection c = env.db(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM outbox_pending p JOIN outbox_event o ON o.id = p.id WHERE o.created_at <= ?")) {
            s.setTimestamp(1, new Timestamp(faultEndMillis));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits up to {@code timeout} until the backlog of the fault's moment is drained; answers whether it is. */
    boolean awaitBacklogDrained(Duration timeout) throws InterruptedException {
        poller.join(timeout.toMillis());
        return drainedAtMillis >= 0;
    }

    /** The two recovery times (−1 if not reached); waits up to two minutes for the backlog. */
    Map<String, Object> figures(Ledger ledger) throws InterruptedException {
        poller.join(TimeUnit.MINUTES.toMillis(2));
        Map<String, Object> f = new LinkedHashMap<>();
        long first = ledger.firstHoldCreatedAfter(faultEndMillis);
        f.put("recoveryFirstBookingMs", first < 0 ? -1 : first - faultEndMillis);
        f.put("recoveryBacklogDrainedMs", drainedAtMillis < 0 ? -1 : drainedAtMillis - faultEndMillis);
        return f;
    }
}
