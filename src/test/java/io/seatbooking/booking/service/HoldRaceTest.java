package io.seatbooking.booking.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.ErrorBodies;
import io.seatbooking.support.Tokens;

/**
 * An on-sale in miniature: many customers at once hold overlapping seats of one 50-seat show.
 * Whatever the interleaving, no seat may end up in two live bookings, every answer is 201 or 409,
 * and the outbox holds exactly one booking.held per successful hold.
 */
@QuarkusTest
class HoldRaceTest {

    private static final int CLIENTS = 240;
    private static final List<String> ROWS = List.of("A", "B", "C", "D", "E");
    private static final int SEATS_PER_ROW = 10;

    @TestHTTPResource("/api/bookings")
    URI bookings;

    @Test
    void concurrentOverlappingHoldsNeverSellASeatTwice() {
        String showId = Api.createShow(ROWS, SEATS_PER_ROW);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            // 1 to 4 adjacent seats in one row: neighbours overlap, as at a real on-sale
            String row = ROWS.get(random.nextInt(ROWS.size()));
            int count = 1 + random.nextInt(4);
            int first = 1 + random.nextInt(SEATS_PER_ROW - count + 1);
            List<String> seats = new ArrayList<>();
            for (int n = first; n < first + count; n++) {
                seats.add(row + n);
            }
            String customerId = "racer-" + i + "-" + seed;
            attempts.add(new Attempt(customerId, seats, request(Tokens.customer(customerId), showId, seats)));
        }

        List<HttpResponse<String>> responses;
        long started = System.nanoTime();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<HttpResponse<String>>> inFlight = attempts.stream()
                    .map(a -> client.sendAsync(a.request(), HttpResponse.BodyHandlers.ofString())).toList();
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            responses = inFlight.stream().map(CompletableFuture::join).toList();
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        Map<Integer, Long> byStatus = responses.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, LinkedHashMap::new, Collectors.counting()));
        System.out.printf("RACE: %d concurrent holds on a %d-seat show took %d ms: %d x 201, %d x 409 (seed %d)%n",
                CLIENTS, ROWS.size() * SEATS_PER_ROW, elapsedMillis, byStatus.getOrDefault(201, 0L),
                byStatus.getOrDefault(409, 0L), seed);
        assertThat(byStatus.keySet()).as("statuses (seed %d)", seed).containsAnyOf(201).isSubsetOf(201, 409);
        assertThat(byStatus.getOrDefault(409, 0L)).as("with %d clients on 50 seats some must lose", CLIENTS).isPositive();

        // Winners: the seats each 201 claimed. Losers: what their 409 says.
        Map<String, List<String>> winners = new HashMap<>();
        Set<String> contested = new HashSet<>();
        for (int i = 0; i < CLIENTS; i++) {
            HttpResponse<String> response = responses.get(i);
            JsonPath body = JsonPath.from(response.body());
            if (response.statusCode() == 201) {
                assertThat(body.getList("seats", String.class)).isEqualTo(attempts.get(i).seats());
                assertThat(body.getString("customerId")).isEqualTo(attempts.get(i).customerId());
                winners.put(body.getString("id"), attempts.get(i).seats());
            } else {
                ErrorBodies.assertProblem(409, response.headers().firstValue("Content-Type").orElse(""), response.body());
                if (body.getString("type").endsWith("/seat-unavailable")) {
                    List<String> lost = body.getList("unavailableSeats", String.class);
                    assertThat(lost).isNotEmpty().isSubsetOf(attempts.get(i).seats());
                    contested.addAll(lost);
                } else {
                    assertThat(body.getString("type")).endsWith("/concurrent-update");
                }
            }
        }

        // No seat in two winning bookings, and each loser lost only seats that a winner holds.
        Map<String, String> seatOwner = new HashMap<>();
        winners.forEach((bookingId, seats) -> seats.forEach(seat -> assertThat(seatOwner.put(seat, bookingId))
                .as("seat %s granted twice (seed %d)", seat, seed).isNull()));
        assertThat(seatOwner.keySet()).containsAll(contested);

        // The database agrees: exactly the winners' bookings exist, each seat row points at its owner,
        // and no seat has two live claims.
        assertThat(Db.rows("SELECT id::text AS id FROM booking WHERE show_id = ?::uuid", showId).stream()
                .map(row -> (String) row.get("id")).collect(Collectors.toSet())).isEqualTo(winners.keySet());
        assertThat(Db.count("""
                SELECT count(*) FROM (SELECT label FROM booking_seat WHERE show_id = ?::uuid AND live
                                       GROUP BY label HAVING count(*) > 1) AS doubly_claimed
                """, showId)).isZero();
        for (Map<String, Object> seat : Db.rows(
                "SELECT label, status, booking_id::text AS booking_id FROM seat WHERE show_id = ?::uuid", showId)) {
            String owner = seatOwner.get((String) seat.get("label"));
            assertThat(seat.get("booking_id")).as("owner of %s", seat.get("label")).isEqualTo(owner);
            assertThat(seat.get("status")).as("status of %s", seat.get("label")).isEqualTo(owner == null ? "AVAILABLE" : "HELD");
        }
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE show_id = ?::uuid AND live", showId))
                .isEqualTo(seatOwner.size());

        // The seat map served by the API says the same.
        Map<String, String> expectedMap = new LinkedHashMap<>();
        for (String row : ROWS) {
            for (int n = 1; n <= SEATS_PER_ROW; n++) {
                expectedMap.put(row + n, seatOwner.containsKey(row + n) ? "HELD" : "AVAILABLE");
            }
        }
        assertThat(Api.seatStatuses(showId)).isEqualTo(expectedMap);

        // Exactly one booking.held per 201, none for a 409.
        assertThat(Db.count("""
                SELECT count(*) FROM outbox_event
                 WHERE event_type = 'booking.held' AND convert_from(payload, 'UTF8')::jsonb #>> '{data,showId}' = ?
                """, showId)).isEqualTo(winners.size());
        for (String bookingId : winners.keySet()) {
            assertThat(Db.eventTypes(bookingId)).as("events of %s", bookingId).containsExactly("booking.held");
        }
    }

    private HttpRequest request(String token, String showId, List<String> seats) {
        String body = "{\"showId\":\"" + showId + "\",\"seats\":["
                + seats.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",")) + "]}";
        return HttpRequest.newBuilder(bookings)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private record Attempt(String customerId, List<String> seats, HttpRequest request) {
    }
}
