package io.seatbooking.support;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Shortcuts for the set-up steps of tests; the behaviour under test is always spelled out in the test. */
public final class Api {

    private Api() {
    }

    /** Creates a show with exactly these seats and returns its id. */
    public static String createShow(String... labels) {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Test show", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of(labels)))
                .when().post("/api/shows")
                .then().statusCode(201).extract().path("id");
    }

    /** Creates a show of rows x seatsPerRow seats (A1..A{n}, B1.., ...) and returns its id. */
    public static String createShow(List<String> rows, int seatsPerRow) {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Test show", "startsAt", "2030-01-01T20:00:00Z", "rows", rows,
                        "seatsPerRow", seatsPerRow))
                .when().post("/api/shows")
                .then().statusCode(201).extract().path("id");
    }

    /** Creates a show of one row of seats, A1..A{seats}, and returns its id. */
    public static String createShow(int seats) {
        return createShow(List.of("A"), seats);
    }

    public static Response hold(String token, String showId, String... seats) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("showId", showId, "seats", List.of(seats)))
                .when().post("/api/bookings");
    }

    /** Holds the seats, which must succeed, and returns the booking id. */
    public static String holdSeats(String token, String showId, String... seats) {
        return hold(token, showId, seats).then().statusCode(201).extract().path("id");
    }

    /** A booking HELD by a new customer: the customer's token, the show and the booking's id. */
    public record Held(String customer, String showId, String bookingId) {
    }

    /** Creates a show with exactly these seats, and a new customer holds all of them. */
    public static Held newHold(String... seats) {
        String showId = createShow(seats);
        String customer = Tokens.customer(Tokens.newCustomerId("customer"));
        return new Held(customer, showId, holdSeats(customer, showId, seats));
    }

    /** A HELD booking of seat A1 of a new two-seat show, by a new customer; returns its id. */
    public static String heldBooking() {
        return holdSeats(Tokens.customer(Tokens.newCustomerId("customer")), createShow(2), "A1");
    }

    /** Confirms a booking, without a body. */
    public static Response confirm(String token, String bookingId) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/confirm", bookingId);
    }

    /** Cancels a booking. */
    public static Response cancel(String token, String bookingId) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/cancel", bookingId);
    }

    public static JsonPath booking(String token, String bookingId) {
        return given().auth().oauth2(token).when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200).extract().jsonPath();
    }

    /** Seat label to status, in seat map order, read through the API. */
    public static Map<String, String> seatStatuses(String showId) {
        JsonPath map = given().when().get("/api/shows/{id}/seats", showId).then().statusCode(200).extract().jsonPath();
        List<String> labels = map.getList("seats.label");
        List<String> statuses = map.getList("seats.status");
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            result.put(labels.get(i), statuses.get(i));
        }
        return result;
    }

    public static String seatMapEtag(String showId) {
        return given().when().get("/api/shows/{id}/seats", showId).then().statusCode(200).extract().header("ETag");
    }
}
