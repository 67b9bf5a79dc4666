package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.seatbooking.support.Api;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** Reading one booking and listing bookings. */
@QuarkusTest
class BookingQueryTest {

    @Test
    void ownerReadsBookingWithEtag() {
        String customerId = Tokens.newCustomerId("alice");
        String showId = Api.createShow("A1", "A2");
        String bookingId = Api.holdSeats(Tokens.customer(customerId), showId, "A2");

        given().auth().oauth2(Tokens.customer(customerId))
                .when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200)
                .header("ETag", equalTo("\"1\""))
                .body("id", equalTo(bookingId))
                .body("showId", equalTo(showId))
                .body("customerId", equalTo(customerId))
                .body("seats", contains("A2"))
                .body("status", equalTo("HELD"));
    }

    @Test
    void bookingEtagFollowsItsVersion() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/confirm", bookingId).then().statusCode(200);

        given().auth().oauth2(customer).when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200).header("ETag", equalTo("\"2\"")).body("version", equalTo(2));
    }

    @Test
    void anotherCustomersBookingIsNotFound() {
        String bookingId = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("alice")), Api.createShow("A1"), "A1");

        given().auth().oauth2(Tokens.customer(Tokens.newCustomerId("mallory")))
                .when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
    }

    @Test
    void adminReadsAnyBooking() {
        String bookingId = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("alice")), Api.createShow("A1"), "A1");

        given().auth().oauth2(Tokens.admin()).when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200).body("id", equalTo(bookingId));
    }

    @Test
    void unknownBookingReturns404() {
        given().auth().oauth2(Tokens.admin()).when().get("/api/bookings/{id}", UUID.randomUUID())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
    }

    @Test
    void customerListsOnlyOwnBookingsNewestFirst() {
        String showId = Api.createShow("A1", "A2", "A3");
        String aliceId = Tokens.newCustomerId("alice");
        String alice = Tokens.customer(aliceId);
        String older = Api.holdSeats(alice, showId, "A1");
        String newer = Api.holdSeats(alice, showId, "A2");
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("bob")), showId, "A3");

        given().auth().oauth2(alice).queryParam("showId", showId)
                .when().get("/api/bookings")
                .then().statusCode(200)
                .body("items.id", contains(newer, older))
                .body("items.customerId", everyItem(equalTo(aliceId)))
                .body("totalItems", equalTo(2))
                .body("page", equalTo(0))
                .body("size", equalTo(20))
                .body("totalPages", equalTo(1));
    }

    @Test
    void customerWithoutFilterListsOnlyOwnBookings() {
        String aliceId = Tokens.newCustomerId("alice");
        String mine = Api.holdSeats(Tokens.customer(aliceId), Api.createShow("A1"), "A1");
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("bob")), Api.createShow("A1"), "A1");

        given().auth().oauth2(Tokens.customer(aliceId))
                .when().get("/api/bookings")
                .then().statusCode(200)
                .body("items.id", contains(mine))
                .body("totalItems", equalTo(1));
    }

    @Test
    void adminListsEveryonesBookingsOfAShow() {
        String showId = Api.createShow("A1", "A2");
        String alices = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("alice")), showId, "A1");
        String bobs = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("bob")), showId, "A2");

        given().auth().oauth2(Tokens.admin()).queryParam("showId", showId)
                .when().get("/api/bookings")
                .then().statusCode(200)
                .body("items.id", containsInAnyOrder(alices, bobs))
                .body("totalItems", equalTo(2));
    }

    @Test
    void listingFiltersByStatus() {
        String showId = Api.createShow("A1", "A2", "A3");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String confirmed = Api.holdSeats(customer, showId, "A1");
        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/confirm", confirmed).then().statusCode(200);
        String held = Api.holdSeats(customer, showId, "A2");

        given().auth().oauth2(customer).queryParam("showId", showId).queryParam("status", "CONFIRMED")
                .when().get("/api/bookings")
                .then().statusCode(200).body("items.id", contains(confirmed));
        given().auth().oauth2(customer).queryParam("showId", showId).queryParam("status", "HELD")
                .when().get("/api/bookings")
                .then().statusCode(200).body("items.id", contains(held));
    }

    @Test
    void listingIsPaginated() {
        String showId = Api.createShow("A1", "A2", "A3", "A4", "A5");
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        for (String seat : new String[] { "A1", "A2", "A3", "A4", "A5" }) {
            Api.holdSeats(customer, showId, seat);
        }

        given().auth().oauth2(customer).queryParam("showId", showId).queryParam("size", 2).queryParam("page", 2)
                .when().get("/api/bookings")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].seats", contains("A1"))
                .body("page", equalTo(2))
                .body("size", equalTo(2))
                .body("totalItems", equalTo(5))
                .body("totalPages", equalTo(3));
        given().auth().oauth2(customer).queryParam("showId", showId).queryParam("size", 2).queryParam("page", 3)
                .when().get("/api/bookings")
                .then().statusCode(200).body("items", hasSize(0)).body("totalItems", equalTo(5));
    }

    @Test
    void pageSizeAboveMaximumReturns400() {
        given().auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("size", 101)
                .when().get("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void pageSizeOfMaximumIsAccepted() {
        given().auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("size", 100)
                .when().get("/api/bookings")
                .then().statusCode(200).body("size", equalTo(100));
    }

    @Test
    void zeroPageSizeReturns400() {
        given().filter(OpenApiContract.invalidRequest("a parameter outside its documented type or range"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("size", 0)
                .when().get("/api/bookings")
                .then().statusCode(400);
    }

    @Test
    void negativePageReturns400() {
        given().filter(OpenApiContract.invalidRequest("a parameter outside its documented type or range"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("page", -1)
                .when().get("/api/bookings")
                .then().statusCode(400);
    }

    @Test
    void nonNumericPageReturns400() {
        given().filter(OpenApiContract.invalidRequest("a parameter outside its documented type or range"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("page", "first")
                .when().get("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void malformedShowIdFilterReturns400() {
        given().filter(OpenApiContract.invalidRequest("a parameter outside its documented type or range"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("showId", "abc")
                .when().get("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void unknownStatusFilterReturns400() {
        given().filter(OpenApiContract.invalidRequest("a parameter outside its documented type or range"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).queryParam("status", "PAID")
                .when().get("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }
}
