package io.seatbooking.reliability;

import static io.seatbooking.support.ConsoleBrowser.cell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.deadletter.FailureFingerprint;
import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Broker;
import io.seatbooking.support.ConsoleBrowser;
import io.seatbooking.support.FailedMessages;
import io.seatbooking.support.FailedMessages.Cause;
import io.seatbooking.support.PaymentMessages;
import io.seatbooking.support.Tokens;

/**
 * Issue 15's "done when": 10,000 dead letters of three causes are parked through the real drain;
 * the API and the console show three groups with the right counts; a bulk replay of one group
 * (2,000 payment.succeeded events for held bookings) runs at the configured rate, survives a
 * SIGKILL of the service half way and a restart, and every replayed payment confirms its booking
 * exactly once. Prints the measured figures (docs/dead-letters.md quotes them).
 */
class DeadLetterScaleIT {

    private static final int REPLAYED = 2_000;
    private static final int UNPARSEABLE = 5_000;
    private static final int UNKNOWN_BOOKING = 3_000;
    private static final int RATE = 100;
    private static final Cause OUTAGE = new Cause("retries-exhausted",
            "ConnectException: payment provider unreachable", "PaymentService.apply");
    /** The scenario's shows have no prices: a booking's total is 0 EUR, which its payment must match. */
    private static final long UNPRICED_TOTAL_CENTS = 0;
    private static final Cause GARBAGE = new Cause("unparseable", "The body is not JSON.", null);
    private static final Cause NO_BOOKING = new Cause("unknown-booking", "There is no booking.", null);
    private static final ObjectMapper JSON = new ObjectMapper();
    // One operator throughout: Idempotency-Keys are scoped to the caller.
    private static final String OPERATOR = Tokens.withGroups("ops-scale-" + UUID.randomUUID(), "admin");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void tenThousandLettersInThreeGroupsAndAThrottledReplayThatSurvivesARestart() throws Exception {
        try (ScenarioEnvironment env = ScenarioEnvironment.create("dead_letters")) {
            ScenarioEnvironment.Wiring wiring = ScenarioEnvironment.Wiring.direct()
                    .with("DEAD_LETTERS_BULK_REPLAY_RATE", Integer.toString(RATE))
                    .with("DEAD_LETTERS_BULK_LEASE_TTL", "PT3S")
                    .with("DEAD_LETTERS_METRICS_REFRESH", "PT1S")
                    .with("BOOKING_HOLD_DURATION", "PT2H");
            ServiceProcess service = env.startService(wiring);
            URI base = service.base();

            List<String> bookings = holdBookings(env, base, REPLAYED);
            List<String> replayIds = new ArrayList<>();
            List<Broker.Outgoing> letters = new ArrayList<>();
            for (String booking : bookings) {
                String id = UUID.randomUUID().toString();
                replayIds.add(id);
                letters.add(FailedMessages.failed(PaymentsTopology.PAYMENTS_EXCHANGE, PaymentsTopology.PAYMENT_SUCCEEDED,
                        null, id, OUTAGE, PaymentMessages.event(PaymentsTopology.PAYMENT_SUCCEEDED, id, booking,
                                "pay-" + id, UNPRICED_TOTAL_CENTS)));
            }
            for (int i = 0; i < UNPARSEABLE; i++) {
                String id = UUID.randomUUID().toString();
                letters.add(FailedMessages.failed(PaymentsTopology.PAYMENTS_EXCHANGE, PaymentsTopology.PAYMENT_FAILED,
                        null, id, GARBAGE, ("garbage " + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < UNKNOWN_BOOKING; i++) {
                String id = UUID.randomUUID().toString();
                letters.add(FailedMessages.failed(PaymentsTopology.PAYMENTS_EXCHANGE, PaymentsTopology.PAYMENT_SUCCEEDED,
                        null, id, NO_BOOKING, PaymentMessages.event(PaymentsTopology.PAYMENT_SUCCEEDED, id,
                                UUID.randomUUID().toString(), "pay-" + id, PaymentMessages.AMOUNT_CENTS)));
            }
            long parkStart = System.currentTimeMillis();
            Broker.publish(Broker.factory(env.vhost()), letters);
            await("10,000 letters parked").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(500))
                    .until(() -> env.queryLong("SELECT count(*) FROM dead_letter") == 10_000);
            double parkSeconds = (System.currentTimeMillis() - parkStart) / 1000.0;

            // Three groups, with the right counts, through the API ...
            JsonNode groups = get(base, "/api/admin/dead-letters/groups?status=PARKED");
            assertThat(groups.path("totalItems").asLong()).isEqualTo(3);
            String outage = new FailureFingerprint("retries-exhausted", "ConnectException",
                    PaymentsTopology.PAYMENT_SUCCEEDED, "PaymentService.apply").id();
            assertThat(counts(groups)).containsExactly(Map.entry(fingerprintOf(GARBAGE, PaymentsTopology.PAYMENT_FAILED),
                    (long) UNPARSEABLE), Map.entry(fingerprintOf(NO_BOOKING, PaymentsTopology.PAYMENT_SUCCEEDED),
                            (long) UNKNOWN_BOOKING), Map.entry(outage, (long) REPLAYED));
            // ... and the console.
            boolean consoleChecked = false;
            if (ConsoleBrowser.installed()) {
                try (ConsoleBrowser browser = ConsoleBrowser.open(base.resolve("/console/").toString(), OPERATOR,
                        Duration.ofSeconds(30))) {
                    browser.await().until(d -> browser.groupRows().size() == 3);
                    assertThat(browser.groupRows().stream().map(r -> cell(r, "parked")).toList())
                            .containsExactly("5000", "3000", "2000");
                    consoleChecked = true;
                }
            }

            // The throttled replay of the outage group, under an Idempotency-Key.
            String key = "replay-" + UUID.randomUUID();
            String request = "{\"action\":\"REPLAY\",\"group\":\"" + outage + "\"}";
            JsonNode preview = post(base, "/api/admin/dead-letters/bulk/preview", request, null, 200);
            assertThat(preview.path("matched").asInt()).isEqualTo(REPLAYED);
            String jobId = post(base, "/api/admin/dead-letters/bulk", request, key, 202).path("id").asText();
            await("half the group replayed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> processed(env, jobId) >= REPLAYED / 2);
            service.kill();
            Instant killedAt = Instant.now();
            int processedAtKill = processed(env, jobId);
            ServiceProcess restarted = env.startService(wiring);
            URI again = restarted.base();
            Instant restartedAt = Instant.now();
            // A repeat of the request after the crash answers the same job.
            assertThat(post(again, "/api/admin/dead-letters/bulk", request, key, 202).path("id").asText())
                    .isEqualTo(jobId);
            await("job completed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "COMPLETED".equals(get(again, "/api/admin/dead-letters/bulk/" + jobId)
                            .path("status").asText()));

            // Every replayed payment confirmed its booking, once.
            String ids = "ARRAY['" + String.join("','", bookings) + "']::uuid[]";
            await("every booking confirmed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> env.queryLong("SELECT count(*) FROM booking WHERE status = 'CONFIRMED' AND id = ANY("
                            + ids + ")") == REPLAYED);
            long confirmedEvents = env.queryLong("SELECT count(*) FROM outbox_event WHERE event_type = 'booking.confirmed'"
                    + " AND subject IN (SELECT b::text FROM unnest(" + ids + ") AS b)");
            long maxEventsPerBooking = env.queryLong("SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM outbox_event"
                    + " WHERE event_type = 'booking.confirmed' GROUP BY subject) AS c");
            long inboxRows = env.queryLong("SELECT count(*) FROM payment_inbox WHERE message_id = ANY(ARRAY['"
                    + String.join("','", replayIds) + "'])");
            long replayedLetters = env.queryLong("SELECT count(*) FROM dead_letter WHERE status = 'REPLAYED' "
                    + "AND resolved_by_job = '" + jobId + "'");
            long outboxReplays = env.queryLong("SELECT count(*) FROM outbox_event WHERE subject LIKE 'dead-letter/%'");
            long parkedAgain = env.queryLong("SELECT count(*) FROM dead_letter WHERE replay_of IS NOT NULL");
            assertThat(replayedLetters).isEqualTo(REPLAYED);
            assertThat(outboxReplays).isEqualTo(REPLAYED);
            assertThat(inboxRows).isEqualTo(REPLAYED);
            assertThat(confirmedEvents).isEqualTo(REPLAYED);
            assertThat(maxEventsPerBooking).isEqualTo(1);
            assertThat(parkedAgain).isZero();
            JsonNode after = get(again, "/api/admin/dead-letters/groups?status=PARKED");
            assertThat(after.path("totalItems").asLong()).isEqualTo(2);

            // The rate, from when each letter was released into the outbox (resolved_at).
            Rate before = rate(env, jobId, "resolved_at < '" + killedAt + "'");
            Rate afterRestart = rate(env, jobId, "resolved_at >= '" + killedAt + "'");
            long peak = env.queryLong("SELECT max(n) FROM (SELECT count(*) AS n FROM dead_letter WHERE resolved_by_job = '"
                    + jobId + "' GROUP BY date_trunc('second', resolved_at)) AS s");
            Instant resumedAt = Instant.parse(firstResolved(env, jobId, killedAt));
            System.out.printf("""
                    [dead-letters] parked 10000 letters (%d outage / %d unparseable / %d unknown-booking) in %.1f s
                    [dead-letters] groups via API: 3 (%s=%d, unparseable=%d, unknown-booking=%d); console checked: %s
                    [dead-letters] replay of %d letters at configured %d/s: before kill %d letters in %.1f s = %.1f/s; \
                    after restart %d letters in %.1f s = %.1f/s; peak %d in one wall-clock second
                    [dead-letters] killed at %d processed; service ready again %.1f s after the kill; job resumed %.1f s \
                    after the kill (lease 3 s)
                    [dead-letters] effects: %d bookings confirmed, %d booking.confirmed events (max %d per booking), \
                    %d inbox rows, %d outbox replays, %d letters parked again
                    """, REPLAYED, UNPARSEABLE, UNKNOWN_BOOKING, parkSeconds, outage, REPLAYED, UNPARSEABLE,
                    UNKNOWN_BOOKING, consoleChecked, REPLAYED, RATE, before.count, before.seconds, before.perSecond(),
                    afterRestart.count, afterRestart.seconds, afterRestart.perSecond(), peak, processedAtKill,
                    Duration.between(killedAt, restartedAt).toMillis() / 1000.0,
                    Duration.between(killedAt, resumedAt).toMillis() / 1000.0, REPLAYED, confirmedEvents,
                    maxEventsPerBooking, inboxRows, outboxReplays, parkedAgain);
            assertThat(before.count + afterRestart.count).isEqualTo(REPLAYED);
            assertThat(before.count).isGreaterThanOrEqualTo(REPLAYED / 2);
            assertThat(afterRestart.count).isPositive();
            // At most the rate, give or take a batch: the throttle holds the average, not every single second.
            assertThat(before.perSecond()).isBetween(RATE * 0.8, RATE * 1.1);
            assertThat(afterRestart.perSecond()).isBetween(RATE * 0.7, RATE * 1.1);
            assertThat(peak).isLessThanOrEqualTo(RATE + RATE / 4);
        }
    }

    private record Rate(long count, double seconds) {
        double perSecond() {
            // n letters resolved over a span from the first to the last: n - 1 intervals.
            return seconds <= 0 ? 0 : (count - 1) / seconds;
        }
    }

    private static Rate rate(ScenarioEnvironment env, String jobId, String condition) throws Exception {
        try (Connection c = env.db(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), extract(epoch FROM max(resolved_at) - min(resolved_at))"
                        + " FROM dead_letter WHERE resolved_by_job = '" + jobId + "' AND " + condition)) {
            rs.next();
            return new Rate(rs.getLong(1), rs.getDouble(2));
        }
    }

    private static String firstResolved(ScenarioEnvironment env, String jobId, Instant after) throws Exception {
        try (Connection c = env.db(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(resolved_at) FROM dead_letter WHERE resolved_by_job = '"
                        + jobId + "' AND resolved_at >= '" + after + "'")) {
            rs.next();
            return rs.getTimestamp(1).toInstant().toString();
        }
    }

    private static int processed(ScenarioEnvironment env, String jobId) throws Exception {
        return (int) env.queryLong("SELECT processed FROM dead_letter_bulk_job WHERE id = '" + jobId + "'");
    }

    private static String fingerprintOf(Cause cause, String type) {
        return new FailureFingerprint(cause.reason(), FailureFingerprint.exceptionType(cause.exception()), type,
                cause.origin()).id();
    }

    private static List<Map.Entry<String, Long>> counts(JsonNode page) {
        List<Map.Entry<String, Long>> counts = new ArrayList<>();
        page.path("items").forEach(g -> counts.add(Map.entry(g.path("key").asText(), g.path("parked").asLong())));
        return counts;
    }

    /** A show of {@code n} seats and one held booking per seat, 8 at a time; answers the booking ids. */
    private static List<String> holdBookings(ScenarioEnvironment env, URI base, int n) throws Exception {
        List<String> seats = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            seats.add("S" + i);
        }
        String show = post(base, "/api/shows", "{\"title\":\"Dead letters " + UUID.randomUUID() + "\",\"startsAt\":\""
                + Instant.now().plus(Duration.ofDays(30)) + "\",\"seats\":" + JSON.writeValueAsString(seats) + "}",
                null, 201).path("id").asText();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> holds = new ArrayList<>();
            for (String seat : seats) {
                holds.add(pool.submit(() -> send(base, "/api/bookings", Tokens.customer("dl-" + UUID.randomUUID()),
                        "{\"showId\":\"" + show + "\",\"seats\":[\"" + seat + "\"]}", null, 201).path("id").asText()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> hold : holds) {
                ids.add(hold.get());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + OPERATOR).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode post(URI base, String path, String body, String key, int status) throws Exception {
        return send(base, path, OPERATOR, body, key, status);
    }

    private static JsonNode send(URI base, String path, String token, String body, String key, int status)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }
}
