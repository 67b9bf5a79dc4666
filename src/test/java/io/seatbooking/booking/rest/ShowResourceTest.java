package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** Creating shows, reading them and their seat maps (ETag, 304), and every way to get creation wrong. */
@QuarkusTest
class ShowResourceTest {

    @Test
    void createShowFromSeatListReturns201WithLocationAndCounts() {
        io.restassured.response.Response created = given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Hamlet", "startsAt", "2030-05-01T19:30:00Z", "seats", List.of("A1", "A2", "B1")))
                .when().post("/api/shows");

        created.then().statusCode(201)
                .contentType(ContentType.JSON)
                .body("title", equalTo("Hamlet"))
                .body("startsAt", equalTo("2030-05-01T19:30:00Z"))
                .body("capacity", equalTo(3))
                .body("available", equalTo(3))
                .body("held", equalTo(0))
                .body("booked", equalTo(0))
                .body("createdAt", notNullValue());
        String id = created.path("id");
        assertThat(created.header("Location")).isEqualTo("/api/shows/" + id);
        given().when().get(created.header("Location")).then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void createShowFromRowsGeneratesLabelsRowByRow() {
        String id = given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Rows", "startsAt", "2030-05-01T19:30:00Z", "rows", List.of("A", "B"),
                        "seatsPerRow", 3))
                .when().post("/api/shows")
                .then().statusCode(201).body("capacity", equalTo(6)).extract().path("id");

        given().when().get("/api/shows/{id}/seats", id)
                .then().statusCode(200)
                .body("showId", equalTo(id))
                .body("seats.label", contains("A1", "A2", "A3", "B1", "B2", "B3"))
                .body("seats.status", everyItem(equalTo("AVAILABLE")))
                .body("seats.version", everyItem(equalTo(0)));
    }

    @Test
    void createShowWritesShowCreatedEventInTheOutbox() {
        String id = Api.createShow("A1", "A2");

        assertThat(Db.eventTypes(id)).containsExactly("show.created");
        JsonNode event = Db.events(id).get(0);
        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("type").asText()).isEqualTo("show.created");
        assertThat(event.path("source").asText()).isEqualTo("/seat-booking");
        assertThat(event.path("subject").asText()).isEqualTo(id);
        assertThat(event.path("sequence").asText()).isEqualTo("0000000000000000001");
        assertThat(event.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(UUID.fromString(event.path("id").asText())).isNotNull();
        assertThat(event.path("data").path("capacity").asInt()).isEqualTo(2);
        assertThat(event.path("data").path("seats").toString()).isEqualTo("[\"A1\",\"A2\"]");
        assertThat(Db.count("SELECT count(*) FROM outbox_event WHERE subject = ? AND exchange = 'booking.events' "
                + "AND routing_key = 'show.created' AND content_type = 'application/cloudevents+json' AND sequence = 1", id))
                .isEqualTo(1);
    }

    @Test
    void getShowCountsSeatsByState() {
        String showId = Api.createShow("A1", "A2", "A3", "A4");
        String customer = Tokens.customer(Tokens.newCustomerId("counts"));
        String confirmed = Api.holdSeats(customer, showId, "A1");
        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/confirm", confirmed)
                .then().statusCode(200);
        Api.holdSeats(customer, showId, "A2", "A3");

        given().when().get("/api/shows/{id}", showId)
                .then().statusCode(200)
                .body("capacity", equalTo(4))
                .body("available", equalTo(1))
                .body("held", equalTo(2))
                .body("booked", equalTo(1));
    }

    @Test
    void getUnknownShowReturns404() {
        given().when().get("/api/shows/{id}", UUID.randomUUID())
                .then().statusCode(404)
                .body("type", equalTo(PROBLEMS + "show-not-found"));
    }

    @Test
    void getShowWithMalformedIdReturns404() {
        given().filter(OpenApiContract.invalidRequest("an id that is not a UUID"))
                .when().get("/api/shows/not-a-uuid").then().statusCode(404);
    }

    @Test
    void seatMapCarriesStrongEtagAndAnswers304WhileUnchanged() {
        String showId = Api.createShow("A1", "A2");
        String etag = given().when().get("/api/shows/{id}/seats", showId)
                .then().statusCode(200)
                .header("ETag", matchesPattern("\"[0-9]+-[0-9a-f]+\""))
                .header("Cache-Control", containsString("no-cache"))
                .extract().header("ETag");

        given().header("If-None-Match", etag).when().get("/api/shows/{id}/seats", showId)
                .then().statusCode(304).header("ETag", equalTo(etag));
        given().header("If-None-Match", "W/" + etag).when().get("/api/shows/{id}/seats", showId)
                .then().statusCode(304);
        given().header("If-None-Match", "\"12345\", " + etag).when().get("/api/shows/{id}/seats", showId)
                .then().statusCode(304);
    }

    @Test
    void seatMapEtagChangesWhenASeatChanges() {
        String showId = Api.createShow("A1", "A2");
        String before = Api.seatMapEtag(showId);

        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("etag")), showId, "A2");

        String after = given().header("If-None-Match", before).when().get("/api/shows/{id}/seats", showId)
                .then().statusCode(200)
                .body("seats.find { it.label == 'A2' }.status", equalTo("HELD"))
                .body("seats.find { it.label == 'A2' }.version", equalTo(1))
                .body("seats.find { it.label == 'A1' }.status", equalTo("AVAILABLE"))
                .extract().header("ETag");
        assertThat(after).isNotEqualTo(before).startsWith("\"1-");
    }

    @Test
    void seatMapOfUnknownShowReturns404() {
        given().when().get("/api/shows/{id}/seats", UUID.randomUUID())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "show-not-found"));
    }

    @Test
    void createShowWithBothSeatFormsReturns422() {
        rejectShow(Map.of("title", "Both", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1"),
                "rows", List.of("A"), "seatsPerRow", 2), 422)
                .body("type", equalTo(PROBLEMS + "invalid-request"));
    }

    @Test
    void createShowWithNeitherSeatFormReturns422() {
        rejectShow(Map.of("title", "Neither", "startsAt", "2030-01-01T20:00:00Z"), 422)
                .body("type", equalTo(PROBLEMS + "invalid-request"));
    }

    @Test
    void createShowWithRowsButNoSeatsPerRowReturns422() {
        rejectShow(Map.of("title", "Rows only", "startsAt", "2030-01-01T20:00:00Z", "rows", List.of("A")), 422);
    }

    @Test
    void createShowWithNoSeatsReturns422() {
        rejectShow(Map.of("title", "Empty", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of()), 422);
    }

    @Test
    void createShowWithDuplicateLabelsReturns422NamingThem() {
        rejectShow(Map.of("title", "Dupes", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1", "A2", "A1")), 422)
                .body("duplicateSeats", contains("A1"));
    }

    @Test
    void createShowWithBlankTitleReturns422NamingTheField() {
        rejectShow(Map.of("title", " ", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1")), 422)
                .body("type", equalTo(PROBLEMS + "invalid-request"))
                .body("errors.field", hasItem("title"));
    }

    @Test
    void createShowWithoutStartReturns422NamingTheField() {
        rejectShow(Map.of("title", "No start", "seats", List.of("A1")), 422, "startsAt is required")
                .body("errors.field", hasItem("startsAt"));
    }

    @Test
    void createShowBeyondMaximumCapacityReturns422() {
        rejectShow(Map.of("title", "Stadium", "startsAt", "2030-01-01T20:00:00Z",
                "rows", List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"), "seatsPerRow", 1000), 422)
                .body("detail", containsString("10000"));
    }

    @Test
    void createShowWithMalformedSeatLabelReturns422() {
        rejectShow(Map.of("title", "Bad label", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A 1")), 422)
                .body("errors.field", hasItem(containsString("seats")));
    }

    @Test
    void createShowWithControlCharacterInTitleReturns422() {
        rejectShow(Map.of("title", "Ham\u0000let", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1")), 422)
                .body("errors.field", hasItem("title"));
    }

    @Test
    void createShowWithUnknownFieldReturns400() {
        rejectShow(Map.of("title", "Extra", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1"), "price", 10), 400,
                "an unknown member")
                .body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("price"));
    }

    @Test
    void createShowWithWrongTypeReturns400() {
        rejectShow(Map.of("title", "Typed", "startsAt", "2030-01-01T20:00:00Z", "rows", List.of("A"),
                "seatsPerRow", "many"), 400, "a text where a number belongs")
                .body("detail", containsString("seatsPerRow"));
    }

    @Test
    void createShowWithUnparseableDateReturns400() {
        rejectShow(Map.of("title", "Typed", "startsAt", "tomorrow evening", "seats", List.of("A1")), 400,
                "a startsAt that is no date-time")
                .body("detail", containsString("startsAt"));
    }

    @Test
    void createShowWithMalformedJsonReturns400() {
        given().filter(OpenApiContract.invalidRequest("JSON cut short")).auth().oauth2(Tokens.admin())
                .contentType(ContentType.JSON).body("{\"title\": \"Half")
                .when().post("/api/shows")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void createShowAsPlainTextReturns415() {
        given().filter(OpenApiContract.invalidRequest("a body that is not JSON")).auth().oauth2(Tokens.admin())
                .contentType(ContentType.TEXT).body("title=Hamlet")
                .when().post("/api/shows")
                .then().statusCode(415).body("type", equalTo(PROBLEMS + "unsupported-media-type"));
    }

    @Test
    void createShowAsCustomerReturns403() {
        given().auth().oauth2(Tokens.customer(Tokens.newCustomerId("not-admin"))).contentType(ContentType.JSON)
                .body(Map.of("title", "Mine", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1")))
                .when().post("/api/shows")
                .then().statusCode(403).body("type", equalTo(PROBLEMS + "forbidden"));
    }

    @Test
    void createShowAnonymouslyReturns401WithBearerChallenge() {
        given().contentType(ContentType.JSON)
                .body(Map.of("title", "Mine", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1")))
                .when().post("/api/shows")
                .then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("type", equalTo(PROBLEMS + "unauthorized"));
    }

    /** Posts a show that must be rejected, and checks that nothing was created. */
    private static io.restassured.response.ValidatableResponse rejectShow(Map<String, Object> body, int status) {
        return rejectShow(body, status, null);
    }

    /** As above, for a body the OpenAPI document does not allow either ({@code why} says how). */
    private static io.restassured.response.ValidatableResponse rejectShow(Map<String, Object> body, int status,
            String why) {
        String title = "rejected-" + UUID.randomUUID();
        Map<String, Object> marked = new java.util.HashMap<>(body);
        String given = String.valueOf(body.get("title"));
        if (!given.isBlank() && !given.contains("\u0000")) {
            marked.put("title", title); // so that the check below finds the show if it was created after all
        }
        io.restassured.specification.RequestSpecification request = given();
        if (why != null) {
            request.filter(OpenApiContract.invalidRequest(why));
        }
        io.restassured.response.ValidatableResponse response = request.auth().oauth2(Tokens.admin())
                .contentType(ContentType.JSON).body(marked)
                .when().post("/api/shows")
                .then().statusCode(status).header("Location", not(notNullValue()));
        assertThat(Db.count("SELECT count(*) FROM show WHERE title = ?", title)).isZero();
        return response;
    }
}
