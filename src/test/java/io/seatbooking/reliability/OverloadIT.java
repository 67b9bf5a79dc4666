package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.reliability.ScenarioEnvironment.Wiring;
import io.seatbooking.support.Tokens;

/**
 * Scenario: an on-sale far above capacity, as an open model. Holds of one random seat of a large
 * show arrive at a fixed rate ({@code -Dreliability.overload.rate}, default 400/s: four times the
 * about 100 bookings/s this kind of machine serves in full) for
 * {@code -Dreliability.overload.seconds} (default 10), whatever the service answers; every
 * second hold that succeeds is confirmed. Then a gentle rate (20/s) shows when the service
 * serves everything again. Asserted against the packaged service:
 * <ul>
 * <li>no client timeout (10 s) and no connection failure: everything is answered;</li>
 * <li>only 201/200/409, or 503 of problem type {@code overloaded} with a {@code Retry-After};</li>
 * <li>served in full again within 5 s of the overload's end;</li>
 * <li>the relay never lost its lease (same epoch, and the log never says it stopped publishing);</li>
 * <li>no seat held twice (database and answers), and no "Result is already complete" in the log.</li>
 * </ul>
 */
class OverloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    /** 20 shows of 260 seats (rows A to Z of 10): seats enough that the crowd mostly wins. */
    private static final int SHOWS = 20;
    private static final int SEATS = 260;
    private static final int CUSTOMERS = 400;
    private static final long RECOVERY_LIMIT_MILLIS = 5_000;

    private record Answer(String kind, long sentNanos, long latencyNanos, int status, String type, String retryAfter,
            String seat) {
        boolean timedOut() {
            return status == -1;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();

    @Test
    void onSaleFarAboveCapacityIsShedNotQueued() throws Exception {
        // 2000/s (twenty times) still breaks the invariants on a 2-core machine (client timeouts; the
        // relay's lease holds since it has an event loop of its own): an open finding, docs/reliability.md.
        int rate = Integer.getInteger("reliability.overload.rate", 400);
        int seconds = Integer.getInteger("reliability.overload.seconds", 10);
        try (ScenarioEnvironment env = ScenarioEnvironment.create("overload")) {
            ServiceProcess service = env.startService(Wiring.direct());
            URI base = service.base();
            List<String> shows = new ArrayList<>();
            try (BookingWorkload setup = BookingWorkload.start(List.of(base), 0, 0, 10, 0)) {
                for (int i = 0; i < SHOWS; i++) {
                    shows.add(setup.createShow(SEATS));
                }
            }
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                tokens.add(Tokens.customer("crowd-" + i + "-" + ThreadLocalRandom.current().nextInt(1_000_000)));
            }
            long epochBefore = env.queryLong("SELECT sum(epoch) FROM outbox_relay_partition WHERE name = 'outbox'");

            long overloadStart = System.nanoTime();
            List<CompletableFuture<?>> calls = openModel(base, shows, tokens, rate, seconds, "overload");
            long overloadEnd = System.nanoTime();
            List<CompletableFuture<?>> gentle = openModel(base, shows, tokens, 20, 10, "after");
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            CompletableFuture.allOf(gentle.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            List<Answer> all = new ArrayList<>(answers);
            List<Answer> overload = all.stream().filter(a -> a.kind().startsWith("overload")).toList();
            Map<Integer, Long> statuses = new TreeMap<>();
            all.forEach(a -> statuses.merge(a.status(), 1L, Long::sum));
            long timeouts = all.stream().filter(Answer::timedOut).count();
            long badStatus = all.stream().filter(a -> !(a.status() == 201 || a.status() == 200 || a.status() == 409
                    || (a.status() == 503 && "https://seat-booking.dev/problems/overloaded".equals(a.type())
                            && a.retryAfter() != null))).count();
            List<Long> admitted = overload.stream().filter(a -> a.status() == 201 || a.status() == 200 || a.status() == 409)
                    .map(Answer::latencyNanos).sorted().toList();
            long shed = overload.stream().filter(a -> a.status() == 503).count();
            long recoveryMillis = recoveryMillis(all, overloadEnd);
            long epochAfter = env.queryLong("SELECT sum(epoch) FROM outbox_relay_partition WHERE name = 'outbox'");
            long seatsHeldTwice = env.queryLong("SELECT count(*) FROM (SELECT show_id, label FROM booking_seat "
                    + "WHERE live GROUP BY show_id, label HAVING count(*) > 1) twice");
            List<String> wonSeats = all.stream().filter(a -> a.kind().endsWith("hold") && a.status() == 201)
                    .map(Answer::seat).toList();
            String log = Files.readString(Path.of("target/reliability/logs", service.name() + ".log"));

            System.out.printf("[reliability] overload: offered %d/s for %d s (%d holds, %d confirms) in %.1f s; "
                    + "statuses %s; shed %d; timeouts %d; unexpected %d; admitted p50 %.0f ms, p99 %.0f ms; "
                    + "goodput %.0f/s; served in full again %d ms after the overload; lease epoch %d -> %d; "
                    + "seats held twice %d%n",
                    rate, seconds, overload.stream().filter(a -> a.kind().endsWith("hold")).count(),
                    overload.stream().filter(a -> a.kind().endsWith("confirm")).count(),
                    (overloadEnd - overloadStart) / 1e9, statuses, shed, timeouts, badStatus,
                    percentileMillis(admitted, 0.50), percentileMillis(admitted, 0.99),
                    admitted.size() / (double) seconds, recoveryMillis, epochBefore, epochAfter, seatsHeldTwice);

            assertThat(timeouts).as("client timeouts or lost connections").isZero();
            assertThat(badStatus).as("answers other than 201/200/409 or 503 overloaded with Retry-After").isZero();
            assertThat(recoveryMillis).as("served in full again after the overload").isLessThan(RECOVERY_LIMIT_MILLIS);
            assertThat(epochAfter).as("the relay never lost its lease").isEqualTo(epochBefore);
            assertThat(log).doesNotContain("stops publishing").doesNotContain("Result is already complete");
            assertThat(seatsHeldTwice).isZero();
            assertThat(wonSeats).doesNotHaveDuplicates();
        }
    }

    /** Sends holds at a fixed rate, whatever the answers; a won hold is confirmed every second time. */
    private List<CompletableFuture<?>> openModel(URI base, List<String> shows, List<String> tokens, int rate, int seconds,
            String phase) {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (long i = 0; i < (long) rate * seconds; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing the arrivals, not a synchronisation
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String token = tokens.get(random.nextInt(tokens.size()));
            String showId = shows.get(random.nextInt(shows.size()));
            int n = random.nextInt(SEATS);
            String seat = (char) ('A' + n / 10) + Integer.toString(n % 10 + 1);
            calls.add(send(base, phase + "-hold", "/api/bookings", token,
                    "{\"showId\":\"" + showId + "\",\"seats\":[\"" + seat + "\"]}", showId + "/" + seat)
                    .thenCompose(hold -> {
                        if (hold.status() == 201 && random.nextBoolean()) {
                            return send(base, phase + "-confirm", "/api/bookings/" + hold.body().path("id").asText()
                                    + "/confirm", token, "{}", showId + "/" + seat);
                        }
                        return CompletableFuture.completedFuture(hold);
                    }));
        }
        return calls;
    }

    private record Sent(int status, JsonNode body) {
    }

    private CompletableFuture<Sent> send(URI base, String kind, String path, String token, String body, String seat) {
        long sent = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(CLIENT_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            long latency = System.nanoTime() - sent;
            if (failure != null) {
                answers.add(new Answer(kind, sent, latency, -1, failure instanceof HttpTimeoutException
                        || failure.getCause() instanceof HttpTimeoutException ? "timeout" : failure.toString(), null, seat));
                return new Sent(-1, JSON.createObjectNode());
            }
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (Exception e) {
                json = JSON.createObjectNode();
            }
            answers.add(new Answer(kind, sent, latency, response.statusCode(), json.path("type").asText(null),
                    response.headers().firstValue("Retry-After").orElse(null), seat));
            return new Sent(response.statusCode(), json);
        });
    }

    /**
     * Milliseconds from the overload's end until the first request after which every request
     * sent was served (not shed); 0 when nothing sent after the end was shed.
     */
    static long recoveryMillis(List<Answer> all, long overloadEndNanos) {
        List<Answer> after = new ArrayList<>(all.stream().filter(a -> a.sentNanos() >= overloadEndNanos).toList());
        after.sort((a, b) -> Long.compare(a.sentNanos(), b.sentNanos()));
        long lastShed = overloadEndNanos;
        for (Answer a : after) {
            if (a.status() == 503 || a.timedOut()) {
                lastShed = a.sentNanos();
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(lastShed - overloadEndNanos);
    }

    static double percentileMillis(List<Long> sortedNanos, double p) {
        if (sortedNanos.isEmpty()) {
            return 0;
        }
        int index = (int) Math.min(sortedNanos.size() - 1, Math.ceil(p * sortedNanos.size()) - 1);
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }
}
