package io.seatbooking.reliability;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.seatbooking.support.EventCollector;

/**
 * The checker every scenario ends with, after its workload stopped and its faults were undone.
 *
 * <p>Bookings: every booking the API answered 201 for exists, in a status the client's answers
 * allow (an unknown outcome allows both before and after); every other booking belongs to a hold
 * whose answer was lost (same customer, show and seats); no seat is in two live bookings; seat
 * rows agree with the live bookings; every booking's version equals its number of events.
 *
 * <p>Events (Jepsen style): the outbox rows are the committed changes. Once the outbox is
 * drained, every row's event must have reached the test consumer at least once (else lost); after
 * dropping duplicates by id, each subject's sequences are 1..n in arrival order; duplicates are
 * counted; an event with no outbox row is unexpected (a change that did not commit).
 *
 * <p>HTTP: no call hangs past the client's timeout; a 5xx is a 503 inside a fault window (the
 * dependency was down) or it is a violation; holds answer 201 or 409, confirms and cancels 200.
 */
final class InvariantChecker {

    /**
     * A period, in epoch millis, in which the API may answer 503 (a dependency down) and, if
     * {@code processDown}, may not answer at all (the service was killed).
     */
    record Window(long fromMillis, long toMillis, boolean processDown) {
        boolean covers(Ledger.Call c) {
            return c.endMillis() >= fromMillis && c.startMillis() <= toMillis;
        }
    }

    private InvariantChecker() {
    }

    static Map<String, Object> check(ScenarioEnvironment env, Ledger ledger, List<Window> faultWindows) throws Exception {
        Findings findings = new Findings();
        awaitOutboxDrained(env, Duration.ofSeconds(120));
        events(env, findings);
        bookings(env, ledger, findings);
        http(ledger, faultWindows, findings);
        return findings.figuresWithViolations();
    }

    /** The checker's result as it is built: figures in report order, and the violations found. */
    private static final class Findings {
        private final Map<String, Object> figures = new LinkedHashMap<>();
        private final List<String> violations = new ArrayList<>();

        void put(String name, Object value) {
            figures.put(name, value);
        }

        /** A count that must be zero: a figure, and the violation "{count} {what}" unless it is zero. */
        void zero(String name, long count, String what) {
            figures.put(name, count);
            if (count > 0) {
                violations.add(count + " " + what);
            }
        }

        void violation(String description) {
            violations.add(description);
        }

        Map<String, Object> figuresWithViolations() {
            figures.put("violations", violations);
            return figures;
        }
    }

    /** Waits up to {@code timeout} for the relay to publish everything; what it did not is reported as lost. */
    static void awaitOutboxDrained(ScenarioEnvironment env, Duration timeout) {
        Scenarios.waitUpTo(timeout, Duration.ofMillis(200), () -> pending(env) == 0);
    }

    static long pending(ScenarioEnvironment env) throws Exception {
        return env.queryLong("SELECT count(*) FROM outbox_pending");
    }

    private record Row(String eventId, String subject, long sequence) {
    }

    private static void events(ScenarioEnvironment env, Findings findings) throws Exception {
        Map<String, Row> outbox = new HashMap<>();
        try (Connection c = env.db(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_id, subject, sequence FROM outbox_event ORDER BY id")) {
            while (rs.next()) {
                outbox.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        EventCollector collector = env.collector();
        // Published means confirmed by the broker, so in the consumer's queue: give it time to
        // drain (up to 30 s; what did not arrive is counted as lost).
        Scenarios.waitUpTo(Duration.ofSeconds(30), Duration.ofMillis(200), () -> receivedAll(collector, outbox.keySet()));
        List<EventCollector.Received> arrivals = collector.all();
        Set<String> seen = new HashSet<>();
        Map<String, List<Long>> firstCopies = new HashMap<>();
        int duplicates = 0;
        int unexpected = 0;
        for (EventCollector.Received r : arrivals) {
            if (!seen.add(r.messageId())) {
                duplicates++;
                continue;
            }
            if (!outbox.containsKey(r.messageId())) {
                unexpected++;
                continue;
            }
            firstCopies.computeIfAbsent(r.subject(), k -> new ArrayList<>()).add(r.sequence());
        }
        int lost = 0;
        for (String id : outbox.keySet()) {
            if (!seen.contains(id)) {
                lost++;
            }
        }
        // Per subject: the committed sequences must be 1..n, and the first copies must arrive in that order.
        Map<String, List<Long>> committed = new HashMap<>();
        outbox.values().forEach(r -> committed.computeIfAbsent(r.subject(), k -> new ArrayList<>()).add(r.sequence()));
        int sequenceGaps = 0;
        int orderViolations = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : committed.entrySet()) {
            List<Long> sequences = e.getValue().stream().sorted().toList();
            for (int i = 0; i < sequences.size(); i++) {
                if (sequences.get(i) != i + 1) {
                    sequenceGaps++;
                    examples.add("committed " + e.getKey() + " " + sequences);
                    break;
                }
            }
            List<Long> got = firstCopies.getOrDefault(e.getKey(), List.of());
            for (int i = 1; i < got.size(); i++) {
                if (got.get(i) <= got.get(i - 1)) {
                    orderViolations++;
                    examples.add("arrived " + e.getKey() + " " + got);
                    break;
                }
            }
        }
        findings.put("eventsCommitted", outbox.size());
        findings.put("eventsReceived", arrivals.size());
        findings.put("eventsDelivered", seen.size() - unexpected);
        findings.zero("lost", lost, "committed events never reached the consumer");
        findings.put("duplicates", duplicates);
        // A phantom event: it reached the broker, but the change it describes does not exist (a
        // commit that a failover took back). After a database failover this is the figure that
        // tells whether the relay published only what the new primary has.
        findings.zero("unexpected", unexpected, "events received without a committed outbox row (phantom events)");
        findings.put("phantomEvents", unexpected);
        // Per subject order is a property of the relay's claim (docs/relay.md): asserted, not only reported.
        findings.zero("sequenceGaps", sequenceGaps, "subjects whose committed sequences are not 1..n");
        findings.zero("orderViolations", orderViolations, "subjects whose events arrived out of order");
        if (sequenceGaps > 0 || orderViolations > 0) {
            findings.violation("order examples: " + examples.stream().limit(3).toList());
        }
        findings.put("pendingAtCheck", pending(env));
    }

    private static boolean receivedAll(EventCollector collector, Set<String> ids) {
        Set<String> got = new HashSet<>();
        collector.all().forEach(r -> got.add(r.messageId()));
        return got.containsAll(ids);
    }

    private record DbBooking(String id, String customer, String showId, String status, Set<String> seats) {
    }

    private static void bookings(ScenarioEnvironment env, Ledger ledger, Findings findings) throws Exception {
        Map<String, DbBooking> db = new HashMap<>();
        Map<String, DbBooking> byCustomer = new HashMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        try (Connection c = env.db(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, customer_id, show_id, status, seats FROM booking")) {
            while (rs.next()) {
                Set<String> seats = new HashSet<>(List.of((String[]) rs.getArray(5).getArray()));
                DbBooking b = new DbBooking(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), seats);
                db.put(b.id(), b);
                byCustomer.put(b.customer(), b);
                byStatus.merge(b.status(), 1, Integer::sum);
            }
        }
        int missing = 0;
        int wrongStatus = 0;
        List<String> examples = new ArrayList<>();
        for (Ledger.Known k : ledger.known().values()) {
            DbBooking b = db.get(k.id);
            if (b == null || !b.customer().equals(k.customer) || !b.seats().equals(new HashSet<>(k.seats))) {
                missing++;
                examples.add("answered 201 but missing or different: " + k.id);
            } else if (k.allowed().stream().noneMatch(a -> a.name().equals(b.status()))) {
                wrongStatus++;
                examples.add(k.id + " is " + b.status() + ", client allows " + k.allowed());
            }
        }
        int uncertainCommitted = 0;
        int phantom = 0;
        Map<String, Ledger.UncertainHold> uncertain = ledger.uncertainHolds();
        Map<String, Ledger.Known> known = ledger.known();
        for (DbBooking b : db.values()) {
            if (known.containsKey(b.id())) {
                continue;
            }
            Ledger.UncertainHold u = uncertain.get(b.customer());
            if (u != null && u.showId().equals(b.showId()) && new HashSet<>(u.seats()).equals(b.seats())) {
                uncertainCommitted++;
            } else {
                phantom++;
                examples.add("booking no client asked for: " + b.id());
            }
        }
        long oversold = env.queryLong("""
                SELECT count(*) FROM (
                  SELECT b.show_id, s FROM booking b CROSS JOIN unnest(b.seats) s
                   WHERE b.status IN ('HELD', 'CONFIRMED') GROUP BY 1, 2 HAVING count(*) > 1) x""");
        long seatMismatches = env.queryLong("""
                SELECT (SELECT count(*) FROM booking b CROSS JOIN unnest(b.seats) s
                          JOIN seat st ON st.show_id = b.show_id AND st.label = s
                         WHERE b.status IN ('HELD', 'CONFIRMED')
                           AND (st.booking_id IS DISTINCT FROM b.id
                                OR st.status <> CASE b.status WHEN 'HELD' THEN 'HELD' ELSE 'BOOKED' END))
                     + (SELECT count(*) FROM seat st LEFT JOIN booking b ON b.id = st.booking_id
                         WHERE st.status <> 'AVAILABLE' AND (b.id IS NULL OR b.status NOT IN ('HELD', 'CONFIRMED')))""");
        long versionWithoutEvents = env.queryLong("""
                SELECT count(*) FROM booking b
                  LEFT JOIN (SELECT subject, count(*) AS n, max(sequence) AS m FROM outbox_event GROUP BY subject) o
                    ON o.subject = b.id::text
                 WHERE o.n IS DISTINCT FROM b.version OR o.m IS DISTINCT FROM b.version""");
        findings.put("bookingsAnswered201", known.size());
        findings.put("bookingsCommitted", db.size());
        findings.put("bookingsByStatus", byStatus);
        findings.put("holdsWithUnknownOutcome", uncertain.size());
        findings.put("unknownOutcomeHoldsCommitted", uncertainCommitted);
        findings.put("bookingsMissing", missing);
        findings.put("bookingsInWrongStatus", wrongStatus);
        findings.put("phantomBookings", phantom);
        if (missing + wrongStatus + phantom > 0) {
            findings.violation("bookings: missing " + missing + ", wrong status " + wrongStatus + ", phantom " + phantom
                    + ": " + examples.stream().limit(3).toList());
        }
        findings.zero("oversoldSeats", oversold, "seats in two live bookings");
        findings.zero("seatsAcknowledgedTwice", acknowledgedTwice(db, known),
                "seats acknowledged to a client whose booking is gone and now held or sold to another");
        findings.zero("seatRowMismatches", seatMismatches, "seat rows disagree with the live bookings");
        findings.zero("bookingsWhoseVersionLacksEvents", versionWithoutEvents,
                "bookings whose version differs from their events");
    }

    /**
     * Seats sold twice as the clients see it: a booking the API acknowledged (201) that is missing
     * from the database while the client may still think it live, whose seats another live booking
     * now has. Within one database this cannot happen (the seat rows forbid it); a failover that
     * takes commits back can, and then {@code oversoldSeats} does not see it.
     */
    private static long acknowledgedTwice(Map<String, DbBooking> db, Map<String, Ledger.Known> known) {
        Map<String, String> liveSeatOwner = new HashMap<>();
        for (DbBooking b : db.values()) {
            if (b.status().equals("HELD") || b.status().equals("CONFIRMED")) {
                b.seats().forEach(seat -> liveSeatOwner.put(b.showId() + "/" + seat, b.id()));
            }
        }
        long twice = 0;
        for (Ledger.Known k : known.values()) {
            boolean mayBeLive = k.allowed().stream().anyMatch(a -> a != Ledger.Status.CANCELLED);
            if (db.containsKey(k.id) || !mayBeLive) {
                continue;
            }
            for (String seat : k.seats) {
                String owner = liveSeatOwner.get(k.showId + "/" + seat);
                if (owner != null && !owner.equals(k.id)) {
                    twice++;
                }
            }
        }
        return twice;
    }

    /** What one HTTP call counts as; a call may count twice (a 5xx, and one outside the fault windows). */
    private enum Outcome {
        TIMED_OUT, NO_ANSWER, NO_ANSWER_WHILE_UP, SERVER_ERROR, SERVER_ERROR_OUTSIDE_FAULTS, HOLD_CONFLICT, UNEXPECTED_4XX
    }

    private static Set<Outcome> outcomes(Ledger.Call c, List<Window> windows) {
        if (c.status() == Ledger.TIMED_OUT) {
            return EnumSet.of(Outcome.TIMED_OUT);
        }
        if (c.status() == Ledger.NO_ANSWER || c.status() == Ledger.REFUSED) {
            boolean processDown = windows.stream().anyMatch(w -> w.processDown() && w.covers(c));
            return processDown ? EnumSet.of(Outcome.NO_ANSWER) : EnumSet.of(Outcome.NO_ANSWER, Outcome.NO_ANSWER_WHILE_UP);
        }
        if (c.status() >= 500) {
            boolean dependencyDown = c.status() == 503 && windows.stream().anyMatch(w -> w.covers(c));
            return dependencyDown ? EnumSet.of(Outcome.SERVER_ERROR)
                    : EnumSet.of(Outcome.SERVER_ERROR, Outcome.SERVER_ERROR_OUTSIDE_FAULTS);
        }
        if (c.kind() == Ledger.Kind.HOLD && c.status() == 409) {
            return EnumSet.of(Outcome.HOLD_CONFLICT);
        }
        return c.status() >= 400 ? EnumSet.of(Outcome.UNEXPECTED_4XX) : EnumSet.noneOf(Outcome.class);
    }

    private static void http(Ledger ledger, List<Window> windows, Findings findings) {
        Map<String, Integer> statuses = new TreeMap<>();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        List<String> outsideFaults = new ArrayList<>();
        long maxLatency = 0;
        long first = ledger.calls().stream().mapToLong(Ledger.Call::startMillis).min().orElse(0);
        for (Ledger.Call c : ledger.calls()) {
            statuses.merge(c.kind() + " " + c.status(), 1, Integer::sum);
            maxLatency = Math.max(maxLatency, c.endMillis() - c.startMillis());
            Set<Outcome> outcomes = outcomes(c, windows);
            outcomes.forEach(o -> counts.merge(o, 1, Integer::sum));
            if (outcomes.contains(Outcome.SERVER_ERROR_OUTSIDE_FAULTS)) {
                outsideFaults.add(c.kind() + " " + c.status() + " from +" + (c.startMillis() - first) + " ms to +"
                        + (c.endMillis() - first) + " ms after the first call (" + java.time.Instant.ofEpochMilli(
                                c.startMillis()) + "): " + c.problem());
            }
        }
        // Which answers they were, and when: the report alone must let one tell a shed request from
        // a database failure.
        findings.put("http5xxOutsideFaultWindowsAnswers", outsideFaults);
        findings.put("httpCalls", ledger.calls().size());
        findings.put("httpStatuses", statuses);
        findings.put("holdConflicts409", counts.getOrDefault(Outcome.HOLD_CONFLICT, 0));
        findings.put("http5xx", counts.getOrDefault(Outcome.SERVER_ERROR, 0));
        findings.zero("http5xxOutsideFaultWindows", counts.getOrDefault(Outcome.SERVER_ERROR_OUTSIDE_FAULTS, 0),
                "5xx that were not a 503 inside a fault window");
        findings.put("httpNoAnswer", counts.getOrDefault(Outcome.NO_ANSWER, 0));
        findings.zero("httpNoAnswerWhileServiceUp", counts.getOrDefault(Outcome.NO_ANSWER_WHILE_UP, 0),
                "requests got no answer (connection failed) while the service ran");
        findings.zero("httpTimedOut", counts.getOrDefault(Outcome.TIMED_OUT, 0),
                "requests hung past " + BookingWorkload.REQUEST_TIMEOUT);
        findings.zero("httpUnexpected4xx", counts.getOrDefault(Outcome.UNEXPECTED_4XX, 0), "unexpected 4xx answers");
        findings.put("httpMaxLatencyMs", maxLatency);
    }
}
