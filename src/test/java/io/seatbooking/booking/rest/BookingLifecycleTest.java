package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
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
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** Confirming and cancelling bookings: state rules, If-Match, seats and events. */
@QuarkusTest
class BookingLifecycleTest {

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
        Api.Held held = Api.newHold("A1");

        given().auth().oauth2(held.customer()).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .when().post("/api/bookings/{id}/confirm", held.bookingId())
                .then().statusCode(200).body("status", equalTo("CONFIRMED"));
    }

    @Test
    void confirmWithStaleIfMatchReturns412AndChangesNothing() {
        staleIfMatchReturns412AndChangesNothing("confirm", "\"7\"");
    }

    @Test
    void weakIfMatchNeverMatches() {
        Api.Held held = Api.newHold("A1");

        given().auth().oauth2(held.customer()).contentType(ContentType.JSON).header("If-Match", "W/\"1\"")
                .when().post("/api/bookings/{id}/confirm", held.bookingId())
                .then().statusCode(412);
    }

    @Test
    void confirmingTwiceReturns409() {
        Api.Held held = Api.newHold("A1");
        Api.confirm(held.customer(), held.bookingId()).then().statusCode(200);

        Api.confirm(held.customer(), held.bookingId())
                .then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "booking-state-conflict"))
                .body("bookingStatus", equalTo("CONFIRMED"));
        assertThat(Db.eventTypes(held.bookingId())).containsExactly("booking.held", "booking.confirmed");
    }

    @Test
    void confirmingCancelledBookingReturns409() {
        Api.Held held = Api.newHold("A1");
        Api.cancel(held.customer(), held.bookingId()).then().statusCode(200);

        Api.confirm(held.customer(), held.bookingId())
                .then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "booking-state-conflict"))
                .body("bookingStatus", equalTo("CANCELLED"));
        assertThat(Api.seatStatuses(held.showId())).containsEntry("A1", "AVAILABLE");
    }

    @Test
    void confirmWithControlCharacterInPaymentReferenceReturns422() {
        Api.Held held = Api.newHold("A1");

        given().auth().oauth2(held.customer()).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "pay\u0000"))
                .when().post("/api/bookings/{id}/confirm", held.bookingId())
                .then().statusCode(422).body("errors.field", hasItem("paymentReference"));
        assertThat(Api.booking(held.customer(), held.bookingId()).getString("status")).isEqualTo("HELD");
    }

    @Test
    void confirmWithTooLongPaymentReferenceReturns422() {
        Api.Held held = Api.newHold("A1");

        given().filter(OpenApiContract.invalidRequest("a paymentReference over its maximum length"))
                .auth().oauth2(held.customer()).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "x".repeat(201)))
                .when().post("/api/bookings/{id}/confirm", held.bookingId())
                .then().statusCode(422);
        assertThat(Db.eventTypes(held.bookingId())).containsExactly("booking.held");
    }

    @Test
    void confirmWithUnknownFieldReturns400() {
        Api.Held held = Api.newHold("A1");

        given().filter(OpenApiContract.invalidRequest("an unknown member"))
                .auth().oauth2(held.customer()).contentType(ContentType.JSON)
                .body(Map.of("paymentReference", "p", "amount", 10))
                .when().post("/api/bookings/{id}/confirm", held.bookingId())
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void confirmOfUnknownBookingReturns404() {
        Api.confirm(Tokens.customer(Tokens.newCustomerId("alice")), UUID.randomUUID().toString())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
    }

    @Test
    void confirmOfMalformedBookingIdReturns404() {
        given().filter(OpenApiContract.invalidRequest("an id that is not a UUID"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/confirm", "booking-1").then().statusCode(404);
    }

    @Test
    void confirmOfAnotherCustomersBookingReturns404AndChangesNothing() {
        anotherCustomersBookingReturns404AndChangesNothing(Api::confirm);
    }

    @Test
    void adminMayConfirmAnyBooking() {
        Api.confirm(Tokens.admin(), Api.newHold("A1").bookingId()).then().statusCode(200)
                .body("status", equalTo("CONFIRMED"));
    }

    @Test
    void cancelOfHeldBookingReleasesSeats() {
        Api.Held held = Api.newHold("A1", "A2");

        Api.cancel(held.customer(), held.bookingId())
                .then().statusCode(200)
                .header("ETag", equalTo("\"2\""))
                .body("status", equalTo("CANCELLED"))
                .body("version", equalTo(2));

        assertThat(Api.seatStatuses(held.showId())).containsEntry("A1", "AVAILABLE").containsEntry("A2", "AVAILABLE");
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE booking_id = ?::uuid AND live", held.bookingId()))
                .isZero();
        assertThat(Db.eventTypes(held.bookingId())).containsExactly("booking.held", "booking.cancelled");
        assertThat(Db.events(held.bookingId()).get(1).path("sequence").asText()).isEqualTo("0000000000000000002");
    }

    @Test
    void cancelOfConfirmedBookingReleasesSeats() {
        Api.Held held = Api.newHold("A1");
        Api.confirm(held.customer(), held.bookingId()).then().statusCode(200);

        Api.cancel(held.customer(), held.bookingId()).then().statusCode(200)
                .body("status", equalTo("CANCELLED")).body("version", equalTo(3));

        assertThat(Api.seatStatuses(held.showId())).containsEntry("A1", "AVAILABLE");
        assertThat(Db.eventTypes(held.bookingId()))
                .containsExactly("booking.held", "booking.confirmed", "booking.cancelled");
    }

    @Test
    void cancellingCancelledBookingReturnsItUnchanged() {
        Api.Held held = Api.newHold("A1");
        String first = Api.cancel(held.customer(), held.bookingId()).then().statusCode(200).extract().asString();

        String second = Api.cancel(held.customer(), held.bookingId()).then().statusCode(200).header("ETag", equalTo("\"2\""))
                .extract().asString();

        assertThat(second).isEqualTo(first);
        assertThat(Db.eventTypes(held.bookingId())).containsExactly("booking.held", "booking.cancelled");
    }

    @Test
    void cancelWithStaleIfMatchReturns412AndChangesNothing() {
        staleIfMatchReturns412AndChangesNothing("cancel", "\"2\", \"3\"");
    }

    @Test
    void cancelWithMatchingIfMatchSucceeds() {
        Api.Held held = Api.newHold("A1");
        Api.confirm(held.customer(), held.bookingId()).then().statusCode(200);

        given().auth().oauth2(held.customer()).contentType(ContentType.JSON).header("If-Match", "\"1\", \"2\"")
                .when().post("/api/bookings/{id}/cancel", held.bookingId())
                .then().statusCode(200).body("status", equalTo("CANCELLED"));
    }

    @Test
    void cancelOfAnotherCustomersBookingReturns404() {
        anotherCustomersBookingReturns404AndChangesNothing(Api::cancel);
    }

    @Test
    void adminMayCancelAnyBooking() {
        Api.cancel(Tokens.admin(), Api.newHold("A1").bookingId()).then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
    }

    @Test
    void cancelOfUnknownBookingReturns404() {
        Api.cancel(Tokens.admin(), UUID.randomUUID().toString())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
    }

    @Test
    void getBookingOnConfirmPathReturns405() {
        given().filter(OpenApiContract.invalidRequest("a method the path does not have"))
                .auth().oauth2(Tokens.admin()).when().get("/api/bookings/{id}/confirm", UUID.randomUUID())
                .then().statusCode(405).body("type", equalTo(PROBLEMS + "method-not-allowed"));
    }

    /**
     * A confirm or cancel whose If-Match names no current version is refused with 412 and the
     * current version, and changes nothing: the booking, its seat and its events are as before.
     */
    private static void staleIfMatchReturns412AndChangesNothing(String action, String ifMatch) {
        Api.Held held = Api.newHold("A1");

        given().auth().oauth2(held.customer()).contentType(ContentType.JSON).header("If-Match", ifMatch)
                .when().post("/api/bookings/{id}/" + action, held.bookingId())
                .then().statusCode(412)
                .body("type", equalTo(PROBLEMS + "precondition-failed"))
                .body("currentVersion", equalTo(1));

        assertThat(Api.booking(held.customer(), held.bookingId()).getString("status")).isEqualTo("HELD");
        assertThat(Api.seatStatuses(held.showId())).containsEntry("A1", "HELD");
        assertThat(Db.eventTypes(held.bookingId())).containsExactly("booking.held");
    }

    /** Another customer's booking does not exist for this one: 404, and the owner's booking is still HELD. */
    private static void anotherCustomersBookingReturns404AndChangesNothing(BiFunction<String, String, Response> action) {
        Api.Held held = Api.newHold("A1");

        action.apply(Tokens.customer(Tokens.newCustomerId("intruder")), held.bookingId())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
        assertThat(Api.booking(held.customer(), held.bookingId()).getString("status")).isEqualTo("HELD");
    }
}
