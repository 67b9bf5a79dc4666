package io.seatbooking.booking.rest;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.seatbooking.booking.service.FailingCancellationBatches;
import io.seatbooking.booking.service.ShowCancellationService;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.Tokens;

/** The catalogue, sales windows, show changes and cancellation, and prices, against the real database. */
@QuarkusTest
class ShowCatalogueTest {

    @Inject
    FailingCancellationBatches crashes;

    @Inject
    ShowCancellationService cancellations;

    @Test
    void catalogueFiltersByTitleAndStartAndOrdersByStart() {
        String tag = "Cat" + UUID.randomUUID().toString().substring(0, 8);
        String late = show(Map.of("title", tag + " late", "startsAt", "2031-03-01T20:00:00Z", "seats", List.of("A1")));
        String early = show(Map.of("title", tag + " early", "startsAt", "2031-01-01T20:00:00Z", "seats", List.of("A1")));
        show(Map.of("title", tag + " outside", "startsAt", "2032-06-01T20:00:00Z", "seats", List.of("A1")));

        given().queryParam("q", tag.toLowerCase()).queryParam("from", "2031-01-01T00:00:00Z")
                .queryParam("to", "2032-01-01T00:00:00Z")
                .when().get("/api/shows")
                .then().statusCode(200)
                .body("items.id", contains(early, late))
                .body("items[0].status", equalTo("ON_SALE"))
                .body("totalItems", equalTo(2));
        given().queryParam("q", tag).queryParam("size", 1).queryParam("page", 1)
                .when().get("/api/shows")
                .then().statusCode(200).body("items.id", contains(late)).body("totalPages", equalTo(3));
        given().queryParam("q", "100%_" + tag).when().get("/api/shows").then().statusCode(200)
                .body("totalItems", equalTo(0));
        given().queryParam("from", "2031-01-01T00:00:00Z").queryParam("to", "2030-01-01T00:00:00Z")
                .when().get("/api/shows").then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    @Test
    void holdsOutsideTheSalesWindowAre409() {
        String showId = show(Map.of("title", "Not yet", "startsAt", "2031-01-01T20:00:00Z", "seats", List.of("A1"),
                "salesStart", "2030-12-01T00:00:00Z"));
        given().when().get("/api/shows/{id}", showId).then().statusCode(200).body("status", equalTo("SCHEDULED"));

        Api.hold(Tokens.customer(Tokens.newCustomerId("early")), showId, "A1")
                .then().statusCode(409).body("type", equalTo(PROBLEMS + "show-not-on-sale"))
                .body("showStatus", equalTo("SCHEDULED")).body("salesStart", equalTo("2030-12-01T00:00:00Z"));
    }

    @Test
    void changingAShowNeedsItsVersionAndWritesShowUpdated() {
        String showId = Api.createShow("A1");
        Map<String, Object> change = Map.of("title", "Renamed", "startsAt", "2030-02-01T20:00:00Z");

        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(change)
                .when().patch("/api/shows/{id}", showId).then().statusCode(428)
                .body("type", equalTo(PROBLEMS + "precondition-required"));
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(change).header("If-Match", "\"7\"")
                .when().patch("/api/shows/{id}", showId).then().statusCode(412).body("currentVersion", equalTo(1));
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(change).header("If-Match", "\"1\"")
                .when().patch("/api/shows/{id}", showId)
                .then().statusCode(200).header("ETag", equalTo("\"2\"")).body("title", equalTo("Renamed"))
                .body("startsAt", equalTo("2030-02-01T20:00:00Z")).body("version", equalTo(2));
        assertThat(Db.eventTypesAndSequences(showId)).contains("show.updated@2");
    }

    @Test
    void aHoldFreezesItsTotalAndCurrency() {
        String showId = show(Map.of("title", "Priced", "startsAt", "2031-01-01T20:00:00Z", "rows", List.of("A", "B"),
                "seatsPerRow", 2, "currency", "CHF", "priceCategories", List.of(
                        Map.of("name", "front", "priceCents", 6000, "rows", List.of("A")),
                        Map.of("name", "back", "priceCents", 3500))));
        given().when().get("/api/shows/{id}/seats", showId).then().statusCode(200)
                .body("currency", equalTo("CHF"))
                .body("seats.category", contains("front", "front", "back", "back"))
                .body("seats.priceCents", contains(6000, 6000, 3500, 3500));

        Api.hold(Tokens.customer(Tokens.newCustomerId("payer")), showId, "A1", "B2")
                .then().statusCode(201).body("totalCents", equalTo(9500)).body("currency", equalTo("CHF"));
    }

    @Test
    void cancellingAShowCancelsEveryLiveBookingInBatchesThatSurviveACrash() {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            labels.add("A" + i);
        }
        String showId = Api.createShow(labels.toArray(String[]::new));
        List<String> bookings = new ArrayList<>();
        for (String label : labels) {
            String customer = Tokens.customer(Tokens.newCustomerId("fan"));
            String booking = Api.holdSeats(customer, showId, label);
            if (bookings.size() % 3 == 0) {
                Api.confirm(customer, booking).then().statusCode(200);
            }
            bookings.add(booking);
        }
        crashes.failAfter(UUID.fromString(showId), 1);

        given().auth().oauth2(Tokens.admin()).when().post("/api/shows/{id}/cancel", showId)
                .then().statusCode(202).body("status", equalTo("CANCELLED"));
        Api.hold(Tokens.customer(Tokens.newCustomerId("late")), showId, "A1")
                .then().statusCode(409).body("showStatus", equalTo("CANCELLED"));

        // One batch (5 bookings, configured for tests) committed with its events; the next crashed.
        await().atMost(Duration.ofSeconds(20)).until(() -> crashes.failures(UUID.fromString(showId)) >= 1);
        assertThat(Db.count("SELECT count(*) FROM booking WHERE show_id = ?::uuid AND status = 'CANCELLED'", showId))
                .isEqualTo(5);

        crashes.disarm(UUID.fromString(showId));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Db.count(
                "SELECT count(*) FROM show WHERE id = ?::uuid AND cancellation_done_at IS NOT NULL", showId))
                .isEqualTo(1));
        for (int i = 0; i < bookings.size(); i++) {
            String booking = bookings.get(i);
            assertThat(Db.bookingStatus(booking)).isEqualTo("CANCELLED");
            assertThat(Db.eventCount(booking, "booking.cancelled")).isEqualTo(1);
            assertThat(Db.eventCount(booking, "booking.refund-requested")).isEqualTo(i % 3 == 0 ? 1 : 0);
        }
        assertThat(Api.seatStatuses(showId).values()).containsOnly("AVAILABLE");
        assertThat(Db.eventCount(showId, "show.cancelled")).isEqualTo(1);
    }

    private static String show(Map<String, Object> body) {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/shows").then().statusCode(201).extract().path("id");
    }

    @SuppressWarnings("unused")
    private static Instant inAMinute() {
        return Instant.now().plus(1, ChronoUnit.MINUTES);
    }
}
