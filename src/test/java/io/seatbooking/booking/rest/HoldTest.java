package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.ErrorBodies;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** {@code POST /api/bookings}: holding seats, all or none. */
@QuarkusTest
class HoldTest {

    @TestHTTPResource("/api/bookings")
    URI bookings;

    @Test
    void holdReturns201WithLocationEtagAndBooking() {
        String showId = Api.createShow("A1", "A2", "A3");
        String customerId = Tokens.newCustomerId("alice");
        Instant before = Instant.now();

        Response held = Api.hold(Tokens.customer(customerId), showId, "A2", "A1");

        held.then().statusCode(201)
                .contentType(ContentType.JSON)
                .header("ETag", equalTo("\"1\""))
                .body("showId", equalTo(showId))
                .body("customerId", equalTo(customerId))
                .body("seats", contains("A2", "A1"))
                .body("status", equalTo("HELD"))
                .body("version", equalTo(1))
                .body("expiresAt", notNullValue())
                .body("createdAt", notNullValue());
        String id = held.path("id");
        assertThat(held.header("Location")).isEqualTo("/api/bookings/" + id);
        Instant expiresAt = Instant.parse(held.path("expiresAt"));
        assertThat(expiresAt).isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(1),
                Instant.now().plus(Duration.ofMinutes(10)));
        given().auth().oauth2(Tokens.customer(customerId)).when().get(held.header("Location"))
                .then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void holdMarksSeatsHeldAndClaimsThemForTheBooking() {
        String showId = Api.createShow("A1", "A2", "A3");

        String bookingId = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("bob")), showId, "A1", "A3");

        assertThat(Api.seatStatuses(showId)).containsExactly(
                Map.entry("A1", "HELD"), Map.entry("A2", "AVAILABLE"), Map.entry("A3", "HELD"));
        assertThat(Db.count("SELECT count(*) FROM seat WHERE show_id = ?::uuid AND booking_id = ?::uuid AND version = 1",
                showId, bookingId)).isEqualTo(2);
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE booking_id = ?::uuid AND live", bookingId))
                .isEqualTo(2);
    }

    @Test
    void holdWritesExactlyOneBookingHeldEvent() {
        String showId = Api.createShow("A1", "A2");
        String customerId = Tokens.newCustomerId("carol");

        String bookingId = Api.holdSeats(Tokens.customer(customerId), showId, "A1", "A2");

        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held");
        JsonNode event = Db.events(bookingId).get(0);
        assertThat(event.path("type").asText()).isEqualTo("booking.held");
        assertThat(event.path("subject").asText()).isEqualTo(bookingId);
        assertThat(event.path("sequence").asText()).isEqualTo("0000000000000000001");
        assertThat(event.path("data").path("id").asText()).isEqualTo(bookingId);
        assertThat(event.path("data").path("showId").asText()).isEqualTo(showId);
        assertThat(event.path("data").path("customerId").asText()).isEqualTo(customerId);
        assertThat(event.path("data").path("status").asText()).isEqualTo("HELD");
        assertThat(event.path("data").path("seats").toString()).isEqualTo("[\"A1\",\"A2\"]");
        assertThat(event.path("data").path("version").asLong()).isEqualTo(1);
        assertThat(Db.count("SELECT count(*) FROM outbox_event WHERE subject = ? AND sequence = 1 "
                + "AND routing_key = 'booking.held' AND exchange = 'booking.events'", bookingId)).isEqualTo(1);
    }

    @Test
    void holdingTakenSeatReturns409NamingOnlyTheLostSeats() {
        String showId = Api.createShow("A1", "A2", "A3", "A4");
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("first")), showId, "A2", "A4");

        Api.hold(Tokens.customer(Tokens.newCustomerId("second")), showId, "A1", "A2", "A3", "A4")
                .then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "seat-unavailable"))
                .body("unavailableSeats", contains("A2", "A4"));
    }

    @Test
    void holdThatLosesOneSeatHoldsNoneOfThem() {
        String showId = Api.createShow("A1", "A2", "A3");
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("first")), showId, "A3");
        String etag = Api.seatMapEtag(showId);
        long outboxRows = Db.outboxRowsOfShow(showId);

        Api.hold(Tokens.customer(Tokens.newCustomerId("second")), showId, "A1", "A2", "A3").then().statusCode(409);

        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE").containsEntry("A2", "AVAILABLE");
        assertThat(Api.seatMapEtag(showId)).isEqualTo(etag);
        assertThat(Db.outboxRowsOfShow(showId)).isEqualTo(outboxRows);
        assertThat(Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid", showId)).isEqualTo(1);
    }

    @Test
    void seatsOfACancelledBookingCanBeHeldAgain() {
        String showId = Api.createShow("A1");
        String first = Tokens.customer(Tokens.newCustomerId("first"));
        String bookingId = Api.holdSeats(first, showId, "A1");
        given().auth().oauth2(first).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/cancel", bookingId)
                .then().statusCode(200);

        Api.hold(Tokens.customer(Tokens.newCustomerId("second")), showId, "A1").then().statusCode(201);

        assertThat(Db.count("SELECT count(*) FROM seat WHERE show_id = ?::uuid AND label = 'A1' AND version = 3", showId))
                .isEqualTo(1);
    }

    @Test
    void holdOnUnknownShowReturns404() {
        Api.hold(Tokens.customer(Tokens.newCustomerId("lost")), UUID.randomUUID().toString(), "A1")
                .then().statusCode(404)
                .body("type", equalTo(PROBLEMS + "show-not-found"));
    }

    @Test
    void holdOfUnknownSeatsReturns422NamingThem() {
        String showId = Api.createShow("A1", "A2");

        rejected(showId, () -> Api.hold(Tokens.customer(Tokens.newCustomerId("x")), showId, "A1", "Z9", "Q1"), 422)
                .then().body("type", equalTo(PROBLEMS + "invalid-request"))
                .body("unknownSeats", contains("Z9", "Q1"));
    }

    @Test
    void holdWithDuplicateSeatsReturns422NamingThem() {
        String showId = Api.createShow("A1", "A2");

        rejected(showId, () -> Api.hold(Tokens.customer(Tokens.newCustomerId("x")), showId, "A1", "A2", "A1"), 422)
                .then().body("duplicateSeats", contains("A1"));
    }

    @Test
    void holdWithNoSeatsReturns422() {
        String showId = Api.createShow("A1");

        rejected(showId, () -> Api.hold(Tokens.customer(Tokens.newCustomerId("x")), showId), 422)
                .then().body("type", equalTo(PROBLEMS + "invalid-request"));
    }

    @Test
    void holdOfMoreThanTenSeatsReturns422() {
        String showId = Api.createShow(List.of("A", "B"), 10);
        String[] eleven = { "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "B1" };

        rejected(showId, () -> Api.hold(Tokens.customer(Tokens.newCustomerId("greedy")), showId, eleven), 422)
                .then().body("detail", containsString("10"));
        Api.hold(Tokens.customer(Tokens.newCustomerId("modest")), showId, java.util.Arrays.copyOf(eleven, 10))
                .then().statusCode(201);
    }

    @Test
    void holdWithoutShowIdReturns422NamingTheField() {
        given().filter(OpenApiContract.invalidRequest("showId is required"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x"))).contentType(ContentType.JSON)
                .body(Map.of("seats", List.of("A1")))
                .when().post("/api/bookings")
                .then().statusCode(422).body("errors.field", hasItem("showId"));
    }

    @Test
    void holdWithMalformedSeatLabelReturns422() {
        String showId = Api.createShow("A1");

        rejected(showId, () -> Api.hold(Tokens.customer(Tokens.newCustomerId("x")), showId, "A\u00001"), 422)
                .then().body("errors.field", hasItem(containsString("seats")));
    }

    @Test
    void holdWithEmptyBodyReturns422() {
        given().filter(OpenApiContract.invalidRequest("the body is required"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x"))).contentType(ContentType.JSON)
                .when().post("/api/bookings")
                .then().statusCode(422).body("type", equalTo(PROBLEMS + "invalid-request"));
    }

    @Test
    void holdWithEmptyChunkedBodyReturns422() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(bookings)
                .header("Authorization", "Bearer " + Tokens.customer(Tokens.newCustomerId("x")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[0]))));

        assertThat(response.statusCode()).isEqualTo(422);
    }

    @Test
    void holdOverHttp2IsServed() throws Exception {
        String showId = Api.createShow("A1", "A2");
        String token = "Bearer " + Tokens.customer(Tokens.newCustomerId("h2"));
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            // The first request upgrades the connection (h2c); the holds then travel over HTTP/2,
            // one with its length announced and one streamed without.
            HttpResponse<String> upgrade = client.send(HttpRequest.newBuilder(bookings.resolve("/api/shows/" + showId))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upgrade.statusCode()).isEqualTo(200);
            HttpResponse<String> announced = client.send(HttpRequest.newBuilder(bookings)
                    .header("Authorization", token).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"showId\":\"" + showId + "\",\"seats\":[\"A1\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> streamed = client.send(HttpRequest.newBuilder(bookings)
                    .header("Authorization", token).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                            ("{\"showId\":\"" + showId + "\",\"seats\":[\"A2\"]}").getBytes(StandardCharsets.UTF_8))))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(announced.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(announced.statusCode()).as(announced.body()).isEqualTo(201);
            assertThat(streamed.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(201);
        }
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "HELD").containsEntry("A2", "HELD");
    }

    @Test
    void holdWithMalformedShowIdReturns400() {
        given().filter(OpenApiContract.invalidRequest("a showId that is not a UUID"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x"))).contentType(ContentType.JSON)
                .body(Map.of("showId", "show-1", "seats", List.of("A1")))
                .when().post("/api/bookings")
                .then().statusCode(400).body("detail", containsString("showId"));
    }

    @Test
    void holdWithUnknownFieldReturns400AndHoldsNothing() {
        String showId = Api.createShow("A1");

        rejected(showId, () -> given().filter(OpenApiContract.invalidRequest("an unknown member"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x")))
                .contentType(ContentType.JSON)
                .body(Map.of("showId", showId, "seats", List.of("A1"), "discount", "100%"))
                .when().post("/api/bookings"), 400)
                .then().body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("discount"));
    }

    @Test
    void holdWithSeatsAsStringReturns400() {
        String showId = Api.createShow("A1");

        rejected(showId, () -> given().filter(OpenApiContract.invalidRequest("a text where an array belongs"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x")))
                .contentType(ContentType.JSON)
                .body("{\"showId\":\"" + showId + "\",\"seats\":\"A1\"}")
                .when().post("/api/bookings"), 400);
    }

    @Test
    void holdWithMalformedJsonReturns400() {
        given().filter(OpenApiContract.invalidRequest("JSON cut short"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x"))).contentType(ContentType.JSON)
                .body("{\"showId\": ")
                .when().post("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void holdAsFormReturns415() {
        given().filter(OpenApiContract.invalidRequest("a form, not JSON"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x"))).contentType(ContentType.URLENC)
                .formParam("showId", UUID.randomUUID().toString())
                .when().post("/api/bookings")
                .then().statusCode(415);
    }

    @Test
    void holdWithOversizedBodyReturns413Problem() {
        String showId = Api.createShow("A1");
        String body = "{\"showId\":\"" + showId + "\",\"seats\":[" + String.join(",", Collections.nCopies(20_000, "\"A1\"")) + "]}";
        assertThat(body.length()).isGreaterThan(64 * 1024);

        rejected(showId, () -> given().filter(OpenApiContract.invalidRequest("more seats than the document allows"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("x")))
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/bookings"), 413)
                .then().body("type", equalTo(PROBLEMS + "payload-too-large"));
    }

    @Test
    void holdWithOversizedChunkedBodyReturns413Problem() throws Exception {
        String showId = Api.createShow("A1");
        byte[] body = ("{\"showId\":\"" + showId + "\",\"seats\":[" + String.join(",", Collections.nCopies(20_000, "\"A1\""))
                + "]}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(bookings)
                .header("Authorization", "Bearer " + Tokens.customer(Tokens.newCustomerId("x")))
                .header("Content-Type", "application/json")
                // a stream of unknown length goes out chunked, without Content-Length
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(response.statusCode()).isEqualTo(413);
        ErrorBodies.assertProblem(413, response.headers().firstValue("Content-Type").orElse(""), response.body());
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
    }

    @Test
    void holdAsAdminWithoutCustomerRoleReturns403() {
        String showId = Api.createShow("A1");

        rejected(showId, () -> Api.hold(Tokens.admin(), showId, "A1"), 403)
                .then().body("type", equalTo(PROBLEMS + "forbidden"));
    }

    /**
     * Runs a request that must fail with {@code status} and asserts that it changed nothing: the
     * seat map (and its ETag), the show's bookings and its outbox rows are as before.
     */
    private static Response rejected(String showId, Supplier<Response> request, int status) {
        String etag = Api.seatMapEtag(showId);
        Map<String, String> seats = Api.seatStatuses(showId);
        long bookings = Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid", showId);
        long outboxRows = Db.outboxRowsOfShow(showId);

        Response response = request.get();

        response.then().statusCode(status);
        assertThat(Api.seatMapEtag(showId)).as("seat map ETag").isEqualTo(etag);
        assertThat(Api.seatStatuses(showId)).as("seat map").isEqualTo(seats);
        assertThat(Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid", showId)).as("bookings")
                .isEqualTo(bookings);
        assertThat(Db.outboxRowsOfShow(showId)).as("outbox rows").isEqualTo(outboxRows);
        return response;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
