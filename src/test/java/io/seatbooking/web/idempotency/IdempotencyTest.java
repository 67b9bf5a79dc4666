package io.seatbooking.web.idempotency;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.ErrorBodies;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** Idempotency-Key on hold, confirm and cancel. */
@QuarkusTest
class IdempotencyTest {

    @TestHTTPResource("/api/bookings")
    URI bookings;

    @Test
    void repeatedHoldReplaysTheFirstResponse() {
        String showId = Api.createShow("A1", "A2");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String key = UUID.randomUUID().toString();

        Response first = hold(customer, key, showId, "A1");
        Response repeat = hold(customer, key, showId, "A1");

        first.then().statusCode(201).header("Idempotent-Replayed", nullValue());
        repeat.then().statusCode(201).header("Idempotent-Replayed", equalTo("true"));
        assertThat(repeat.asString()).isEqualTo(first.asString());
        assertThat(repeat.header("Location")).isEqualTo(first.header("Location"));
        assertThat(repeat.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(repeat.contentType()).isEqualTo(first.contentType());
        assertThat(Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid", showId)).isEqualTo(1);
        assertThat(Db.eventTypes(first.path("id"))).containsExactly("booking.held");
    }

    @Test
    void repeatedHoldIsReplayedEvenAfterTheBookingChanged() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String key = UUID.randomUUID().toString();
        Response first = hold(customer, key, showId, "A1");
        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/cancel", first.<String> path("id")).then().statusCode(200);

        Response repeat = hold(customer, key, showId, "A1");

        repeat.then().statusCode(201).body("status", equalTo("HELD")).header("Idempotent-Replayed", equalTo("true"));
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
    }

    @Test
    void sameKeyWithAnotherBodyReturns422() {
        String showId = Api.createShow("A1", "A2");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String key = UUID.randomUUID().toString();
        hold(customer, key, showId, "A1").then().statusCode(201);

        hold(customer, key, showId, "A2")
                .then().statusCode(422).body("type", equalTo(PROBLEMS + "idempotency-key-reused"));

        assertThat(Api.seatStatuses(showId)).containsEntry("A2", "AVAILABLE");
        assertThat(Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid", showId)).isEqualTo(1);
    }

    @Test
    void sameKeyOnAnotherEndpointReturns422() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String key = UUID.randomUUID().toString();
        String bookingId = hold(customer, key, showId, "A1").then().statusCode(201).extract().path("id");

        given().auth().oauth2(customer).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .when().post("/api/bookings/{id}/cancel", bookingId)
                .then().statusCode(422).body("type", equalTo(PROBLEMS + "idempotency-key-reused"));
        assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("HELD");
    }

    @Test
    void keysArePerCaller() {
        String showId = Api.createShow("A1", "A2");
        String key = "shared-key-" + UUID.randomUUID();

        String alices = hold(Tokens.customer(Tokens.newCustomerId("alice")), key, showId, "A1")
                .then().statusCode(201).extract().path("id");
        String bobs = hold(Tokens.customer(Tokens.newCustomerId("bob")), key, showId, "A2")
                .then().statusCode(201).header("Idempotent-Replayed", nullValue()).extract().path("id");

        assertThat(bobs).isNotEqualTo(alices);
    }

    @Test
    void conflictOutcomeIsStoredAndReplayed() {
        String showId = Api.createShow("A1");
        String winner = Tokens.customer(Tokens.newCustomerId("winner"));
        String winnersBooking = Api.holdSeats(winner, showId, "A1");
        String loser = Tokens.customer(Tokens.newCustomerId("loser"));
        String key = UUID.randomUUID().toString();
        Response first = hold(loser, key, showId, "A1");
        first.then().statusCode(409).body("type", equalTo(PROBLEMS + "seat-unavailable"));
        given().auth().oauth2(winner).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/cancel", winnersBooking).then().statusCode(200);

        Response repeat = hold(loser, key, showId, "A1");

        repeat.then().statusCode(409).header("Idempotent-Replayed", equalTo("true"));
        assertThat(repeat.asString()).isEqualTo(first.asString());
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
    }

    @Test
    void validationFailureReleasesTheKey() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String key = UUID.randomUUID().toString();
        hold(customer, key, showId, "Z9").then().statusCode(422);
        assertThat(Db.count("SELECT count(*) FROM idempotency_record WHERE idempotency_key = ?", key)).isZero();

        hold(customer, key, showId, "A1").then().statusCode(201).header("Idempotent-Replayed", nullValue());
    }

    @Test
    void repeatedConfirmReplaysInsteadOfConflicting() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        String key = UUID.randomUUID().toString();

        Response first = confirm(customer, key, bookingId, "pay-1");
        Response repeat = confirm(customer, key, bookingId, "pay-1");

        first.then().statusCode(200).header("ETag", equalTo("\"2\""));
        repeat.then().statusCode(200).header("ETag", equalTo("\"2\"")).header("Idempotent-Replayed", equalTo("true"));
        assertThat(repeat.asString()).isEqualTo(first.asString());
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.confirmed");
        confirm(customer, key, bookingId, "pay-2").then().statusCode(422);
    }

    @Test
    void preconditionFailureIsStoredAndReplayed() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        String key = UUID.randomUUID().toString();

        for (int attempt = 0; attempt < 2; attempt++) {
            given().auth().oauth2(customer).contentType(ContentType.JSON)
                    .header("Idempotency-Key", key).header("If-Match", "\"9\"")
                    .when().post("/api/bookings/{id}/cancel", bookingId)
                    .then().statusCode(412)
                    .header("Idempotent-Replayed", attempt == 0 ? nullValue() : equalTo("true"));
        }
        assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("HELD");
    }

    @Test
    void repeatedCancelReplaysTheFirstResponse() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        String key = UUID.randomUUID().toString();

        Response first = given().auth().oauth2(customer).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .when().post("/api/bookings/{id}/cancel", bookingId);
        Response repeat = given().auth().oauth2(customer).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .when().post("/api/bookings/{id}/cancel", bookingId);

        first.then().statusCode(200);
        repeat.then().statusCode(200).header("Idempotent-Replayed", equalTo("true"));
        assertThat(repeat.asString()).isEqualTo(first.asString());
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.cancelled");
    }

    @Test
    void overlongKeyReturns400() {
        String showId = Api.createShow("A1");

        given().filter(OpenApiContract.invalidRequest("an Idempotency-Key one character too long"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).contentType(ContentType.JSON)
                .header("Idempotency-Key", "k".repeat(256)).body(Map.of("showId", showId, "seats", List.of("A1")))
                .when().post("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
    }

    @Test
    void concurrentRepeatsHaveExactlyOneEffect() {
        String showId = Api.createShow("A1", "A2");
        String customerId = Tokens.newCustomerId("impatient");
        String token = Tokens.customer(customerId);
        String key = UUID.randomUUID().toString();
        String body = "{\"showId\":\"" + showId + "\",\"seats\":[\"A1\",\"A2\"]}";
        int repeats = 16;

        List<HttpResponse<String>> responses;
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, repeats)
                    .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(bookings)
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", key)
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .toList();
            responses = inFlight.stream().map(CompletableFuture::join).toList();
        }

        List<HttpResponse<String>> created = responses.stream().filter(r -> r.statusCode() == 201).toList();
        List<HttpResponse<String>> originals = created.stream()
                .filter(r -> r.headers().firstValue("Idempotent-Replayed").isEmpty()).toList();
        assertThat(originals).as("exactly one request ran").hasSize(1);
        for (HttpResponse<String> response : responses) {
            if (response.statusCode() == 201) {
                assertThat(response.body()).isEqualTo(originals.get(0).body());
                assertThat(response.headers().firstValue("Location")).isEqualTo(originals.get(0).headers().firstValue("Location"));
            } else {
                assertThat(response.statusCode()).as("a repeat that is not a replay").isEqualTo(409);
                ErrorBodies.assertProblem(409, response.headers().firstValue("Content-Type").orElse(""), response.body());
                assertThat(response.body()).contains(PROBLEMS + "idempotent-request-in-progress");
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid", showId)).isEqualTo(1);
        assertThat(Db.count("""
                SELECT count(*) FROM outbox_event
                 WHERE event_type = 'booking.held' AND convert_from(payload, 'UTF8')::jsonb #>> '{data,showId}' = ?
                """, showId)).isEqualTo(1);
        assertThat(Api.seatStatuses(showId)).isEqualTo(Map.of("A1", "HELD", "A2", "HELD"));
    }

    private static Response hold(String token, String key, String showId, String... seats) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("showId", showId, "seats", List.of(seats)))
                .when().post("/api/bookings");
    }

    private static Response confirm(String token, String key, String bookingId, String paymentReference) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("paymentReference", paymentReference))
                .when().post("/api/bookings/{id}/confirm", bookingId);
    }
}
