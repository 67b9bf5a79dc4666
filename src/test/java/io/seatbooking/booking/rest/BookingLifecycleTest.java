package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.Tokens;

/** Confirming and cancelling bookings: state rules, If-Match, seats and events. */
@QuarkusTest
class BookingLifecycleTest {

    private static final String PROBLEMS = "https://seat-booking.dev/problems/";

    @TestHTTPResource("/api/bookings")
    URI bookings;

    @Test
    void confirmMovesBookingToConfirmedAndSeatsToBooked() {
        String showId = Api.createShow("A1", "A2", "A3");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, showId, "A1", "A2");

        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "pay-123"))
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(200)
                .header("ETag", equalTo("\"2\""))
                .body("id", equalTo(bookingId))
                .body("status", equalTo("CONFIRMED"))
                .body("version", equalTo(2))
                .body("paymentReference", equalTo("pay-123"))
                .body("expiresAt", nullValue());

        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "BOOKED").containsEntry("A2", "BOOKED")
                .containsEntry("A3", "AVAILABLE");
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.confirmed");
        JsonNode confirmed = Db.events(bookingId).get(1);
        assertThat(confirmed.path("sequence").asText()).isEqualTo("0000000000000000002");
        assertThat(confirmed.path("data").path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(confirmed.path("data").path("paymentReference").asText()).isEqualTo("pay-123");
    }

    @Test
    void confirmWithoutAnyBodyOrContentTypeSucceeds() throws Exception {
        String customerId = Tokens.newCustomerId("curl-user");
        String bookingId = Api.holdSeats(Tokens.customer(customerId), Api.createShow("A1"), "A1");

        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newHttpClient()) {
            response = client.send(HttpRequest.newBuilder(URI.create(bookings + "/" + bookingId + "/confirm"))
                    .header("Authorization", "Bearer " + Tokens.customer(customerId))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"CONFIRMED\"");
    }

    @Test
    void confirmWithMatchingIfMatchSucceeds() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(200).body("status", equalTo("CONFIRMED"));
    }

    @Test
    void confirmWithStaleIfMatchReturns412AndChangesNothing() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, showId, "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON).header("If-Match", "\"7\"")
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(412)
                .body("type", equalTo(PROBLEMS + "precondition-failed"))
                .body("currentVersion", equalTo(1));

        assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("HELD");
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "HELD");
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held");
    }

    @Test
    void weakIfMatchNeverMatches() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON).header("If-Match", "W/\"1\"")
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(412);
    }

    @Test
    void confirmingTwiceReturns409() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        Api.confirm(customer, bookingId).then().statusCode(200);

        Api.confirm(customer, bookingId)
                .then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "booking-state-conflict"))
                .body("bookingStatus", equalTo("CONFIRMED"));
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.confirmed");
    }

    @Test
    void confirmingCancelledBookingReturns409() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, showId, "A1");
        Api.cancel(customer, bookingId).then().statusCode(200);

        Api.confirm(customer, bookingId)
                .then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "booking-state-conflict"))
                .body("bookingStatus", equalTo("CANCELLED"));
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
    }

    @Test
    void confirmWithControlCharacterInPaymentReferenceReturns422() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "pay\u0000"))
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(422).body("errors.field", hasItem("paymentReference"));
        assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("HELD");
    }

    @Test
    void confirmWithTooLongPaymentReferenceReturns422() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "x".repeat(201)))
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(422);
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held");
    }

    @Test
    void confirmWithUnknownFieldReturns400() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "p", "amount", 10))
                .when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void confirmOfUnknownBookingReturns404() {
        Api.confirm(Tokens.customer(Tokens.newCustomerId("alice")), UUID.randomUUID().toString())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
    }

    @Test
    void confirmOfMalformedBookingIdReturns404() {
        Api.confirm(Tokens.customer(Tokens.newCustomerId("alice")), "booking-1").then().statusCode(404);
    }

    @Test
    void confirmOfAnotherCustomersBookingReturns404AndChangesNothing() {
        String owner = Tokens.customer(Tokens.newCustomerId("owner"));
        String bookingId = Api.holdSeats(owner, Api.createShow("A1"), "A1");

        Api.confirm(Tokens.customer(Tokens.newCustomerId("intruder")), bookingId)
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
        assertThat(Api.booking(owner, bookingId).getString("status")).isEqualTo("HELD");
    }

    @Test
    void adminMayConfirmAnyBooking() {
        String bookingId = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("alice")), Api.createShow("A1"), "A1");

        Api.confirm(Tokens.admin(), bookingId).then().statusCode(200).body("status", equalTo("CONFIRMED"));
    }

    @Test
    void cancelOfHeldBookingReleasesSeats() {
        String showId = Api.createShow("A1", "A2");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, showId, "A1", "A2");

        Api.cancel(customer, bookingId)
                .then().statusCode(200)
                .header("ETag", equalTo("\"2\""))
                .body("status", equalTo("CANCELLED"))
                .body("version", equalTo(2));

        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE").containsEntry("A2", "AVAILABLE");
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE booking_id = ?::uuid AND live", bookingId)).isZero();
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.cancelled");
        assertThat(Db.events(bookingId).get(1).path("sequence").asText()).isEqualTo("0000000000000000002");
    }

    @Test
    void cancelOfConfirmedBookingReleasesSeats() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, showId, "A1");
        Api.confirm(customer, bookingId).then().statusCode(200);

        Api.cancel(customer, bookingId).then().statusCode(200).body("status", equalTo("CANCELLED")).body("version", equalTo(3));

        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.confirmed", "booking.cancelled");
    }

    @Test
    void cancellingCancelledBookingReturnsItUnchanged() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        String first = Api.cancel(customer, bookingId).then().statusCode(200).extract().asString();

        String second = Api.cancel(customer, bookingId).then().statusCode(200).header("ETag", equalTo("\"2\""))
                .extract().asString();

        assertThat(second).isEqualTo(first);
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.cancelled");
    }

    @Test
    void cancelWithStaleIfMatchReturns412AndChangesNothing() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, showId, "A1");

        given().auth().oauth2(customer).contentType(ContentType.JSON).header("If-Match", "\"2\", \"3\"")
                .when().post("/api/bookings/{id}/cancel", bookingId)
                .then().statusCode(412).body("currentVersion", equalTo(1));

        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "HELD");
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held");
    }

    @Test
    void cancelWithMatchingIfMatchSucceeds() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        Api.confirm(customer, bookingId).then().statusCode(200);

        given().auth().oauth2(customer).contentType(ContentType.JSON).header("If-Match", "\"1\", \"2\"")
                .when().post("/api/bookings/{id}/cancel", bookingId)
                .then().statusCode(200).body("status", equalTo("CANCELLED"));
    }

    @Test
    void cancelOfAnotherCustomersBookingReturns404() {
        String owner = Tokens.customer(Tokens.newCustomerId("owner"));
        String bookingId = Api.holdSeats(owner, Api.createShow("A1"), "A1");

        Api.cancel(Tokens.customer(Tokens.newCustomerId("intruder")), bookingId).then().statusCode(404);
        assertThat(Api.booking(owner, bookingId).getString("status")).isEqualTo("HELD");
    }

    @Test
    void adminMayCancelAnyBooking() {
        String bookingId = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("alice")), Api.createShow("A1"), "A1");

        Api.cancel(Tokens.admin(), bookingId).then().statusCode(200).body("status", equalTo("CANCELLED"));
    }

    @Test
    void cancelOfUnknownBookingReturns404() {
        Api.cancel(Tokens.admin(), UUID.randomUUID().toString())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
    }

    @Test
    void getBookingOnConfirmPathReturns405() {
        given().auth().oauth2(Tokens.admin()).when().get("/api/bookings/{id}/confirm", UUID.randomUUID())
                .then().statusCode(405).body("type", equalTo(PROBLEMS + "method-not-allowed"));
    }
}
