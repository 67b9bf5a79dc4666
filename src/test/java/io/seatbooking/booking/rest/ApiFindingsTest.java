package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.seatbooking.support.Api;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/**
 * The findings of trying the API as a new user would (issue "an exact API contract"), one test
 * each: every one of them answered differently before its fix.
 */
@QuarkusTest
class ApiFindingsTest {

    @ParameterizedTest(name = "page={0}")
    @ValueSource(strings = { "21474837", "2147483647", "99999999" })
    void aPageBeyondTheLargestOffsetIs400Not500(String page) {
        given().auth().oauth2(Tokens.admin()).queryParam("page", page).queryParam("size", "100")
                .when().get("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "page=-1", "size=0", "size=101" })
    void pagingErrorsAre400LikeTheDeadLetterListing(String query) {
        String[] parameter = query.split("=");
        given().filter(OpenApiContract.invalidRequest("a page or size out of the documented range"))
                .auth().oauth2(Tokens.admin()).queryParam(parameter[0], parameter[1])
                .when().get("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
        given().filter(OpenApiContract.invalidRequest("a page or size out of the documented range"))
                .auth().oauth2(Tokens.admin()).queryParam(parameter[0], parameter[1])
                .when().get("/api/admin/dead-letters")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void anEmptyIdempotencyKeyIs400() {
        String showId = Api.createShow("A1");
        given().filter(OpenApiContract.invalidRequest("an empty Idempotency-Key"))
                .auth().oauth2(Tokens.customer(Tokens.newCustomerId("alice"))).contentType(ContentType.JSON)
                .header("Idempotency-Key", "")
                .body(Map.of("showId", showId, "seats", List.of("A1")))
                .when().post("/api/bookings")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("bob")), showId, "A1");
    }

    @ParameterizedTest(name = "seatsPerRow: {0}")
    @ValueSource(strings = { "\"3\"", "1.5", "3.0", "true", "[3]" })
    void aNumberOfTheWrongJsonTypeIs400(String seatsPerRow) {
        given().filter(OpenApiContract.invalidRequest("a seatsPerRow of another JSON type"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body("{\"title\":\"Types\",\"startsAt\":\"2030-01-01T20:00:00Z\",\"rows\":[\"A\"],\"seatsPerRow\":"
                        + seatsPerRow + "}")
                .when().post("/api/shows")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", equalTo("Field 'seatsPerRow' has an invalid value."));
    }

    @ParameterizedTest(name = "title: {0}")
    @ValueSource(strings = { "42", "true" })
    void aTextOfTheWrongJsonTypeIs400(String title) {
        given().filter(OpenApiContract.invalidRequest("a title of another JSON type"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body("{\"title\":" + title + ",\"startsAt\":\"2030-01-01T20:00:00Z\",\"seats\":[\"A1\"]}")
                .when().post("/api/shows")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void aShowStartingInThePastIs422() {
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Long ago", "startsAt", "2001-01-01T20:00:00Z", "seats", List.of("A1")))
                .when().post("/api/shows")
                .then().statusCode(422).body("type", equalTo(PROBLEMS + "invalid-request"))
                .body("errors.field", hasItem("startsAt"));
    }

    @Test
    void aBookingReadWithItsOwnEtagIs304() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");

        given().auth().oauth2(customer).header("If-None-Match", "\"1\"")
                .when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(304).header("ETag", equalTo("\"1\"")).body(emptyString());
        given().auth().oauth2(customer).header("If-None-Match", "\"7\", W/\"1\"")
                .when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(304);
        given().auth().oauth2(customer).header("If-None-Match", "\"7\"")
                .when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200).header("ETag", equalTo("\"1\""));
    }

    @Test
    void listsAndSingleResourcesAnswerTheSameContentType() {
        String customer = Tokens.customer(Tokens.newCustomerId("alice"));
        String showId = Api.createShow("A1");
        String bookingId = Api.holdSeats(customer, showId, "A1");

        String single = given().auth().oauth2(customer).when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200).extract().contentType();
        String list = given().auth().oauth2(customer).when().get("/api/bookings")
                .then().statusCode(200).extract().contentType();
        String show = given().when().get("/api/shows/{id}", showId).then().statusCode(200).extract().contentType();
        String seats = given().when().get("/api/shows/{id}/seats", showId).then().statusCode(200).extract()
                .contentType();
        String letters = given().auth().oauth2(Tokens.admin()).when().get("/api/admin/dead-letters")
                .then().statusCode(200).extract().contentType();

        org.assertj.core.api.Assertions.assertThat(List.of(single, list, show, seats, letters))
                .containsOnly("application/json;charset=UTF-8");
    }
}
