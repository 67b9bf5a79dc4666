package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A scenario's figures: what was injected, the workload, the checker's counts and the recovery
 * times, written to {@code target/reliability/<scenario>.json} and summed up in one line.
 */
final class ScenarioReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> figures = new LinkedHashMap<>();

    ScenarioReport(String scenario, String injected, String workload) {
        figures.put("scenario", scenario);
        figures.put("finishedAt", Instant.now().toString());
        figures.put("size", Boolean.getBoolean("reliability.full") ? "full" : "ci");
        figures.put("injected", injected);
        figures.put("workload", workload);
    }

    ScenarioReport put(String key, Object value) {
        figures.put(key, value);
        return this;
    }

    ScenarioReport putAll(Map<String, Object> more) {
        figures.putAll(more);
        return this;
    }

    /**
     * Adds the checker's figures (see {@link InvariantChecker#check}, with the windows in which the
     * API may fail) and the probe's recovery times.
     */
    ScenarioReport checked(ScenarioEnvironment env, Ledger ledger, List<InvariantChecker.Window> faultWindows,
            RecoveryProbe probe) throws Exception {
        return putAll(InvariantChecker.check(env, ledger, faultWindows)).putAll(probe.figures(ledger));
    }

    /** As {@link #checked(ScenarioEnvironment, Ledger, List, RecoveryProbe)}, for a fault run under load. */
    ScenarioReport checked(ScenarioEnvironment env, Scenarios.FaultRun<?> run, List<InvariantChecker.Window> faultWindows)
            throws Exception {
        return checked(env, run.ledger(), faultWindows, run.probe());
    }

    /** Adds violations a scenario found itself (beside the checker's) to the ones the report fails on. */
    ScenarioReport violations(List<String> more) {
        List<Object> all = new ArrayList<>((List<?>) figures.getOrDefault("violations", List.of()));
        all.addAll(more);
        figures.put("violations", all);
        return this;
    }

    Object get(String key) {
        return figures.get(key);
    }

    /** Writes the file and the summary line, then fails on any invariant the checker found broken. */
    void writeAndAssert() throws Exception {
        Path file = write();
        assertThat((List<?>) figures.get("violations")).as("invariant violations in " + file).isEmpty();
        assertThat(((Number) figures.get("lost")).longValue()).isZero();
        assertThat(((Number) figures.get("oversoldSeats")).longValue()).isZero();
        assertThat(((Number) figures.get("orderViolations")).longValue()).isZero();
    }

    /**
     * Writes the file and the summary line and asserts nothing: for a run whose figures are the
     * point (the asynchronous failover shows what synchronous replication is worth).
     */
    Path write() throws Exception {
        figures.put("finishedAt", Instant.now().toString());
        Path file = Path.of("target/reliability", figures.get("scenario") + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(figures));
        System.out.printf("[reliability] %s: committed=%s delivered=%s lost=%s duplicates=%s oversold=%s "
                + "5xx=%s(outside faults %s) firstBookingAfterFault=%sms backlogDrained=%sms violations=%s%n",
                figures.get("scenario"), figures.get("bookingsCommitted"), figures.get("eventsDelivered"),
                figures.get("lost"), figures.get("duplicates"), figures.get("oversoldSeats"), figures.get("http5xx"),
                figures.get("http5xxOutsideFaultWindows"), figures.get("recoveryFirstBookingMs"),
                figures.get("recoveryBacklogDrainedMs"), figures.get("violations"));
        return file;
    }
}
