package io.seatbooking.booking.service;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.Tokens;
import io.smallrye.mutiny.Uni;

/**
 * Holds run out: the sweeper (every 0.5 s in tests) releases them. Instead of waiting ten
 * minutes, each test moves a hold's expiry into the past with SQL.
 */
@QuarkusTest
class HoldExpiryTest {

    private static final Duration SWEEP_DEADLINE = Duration.ofSeconds(15);

    @Inject
    HoldExpirySweeper sweeper;

    @Test
    void expiredHoldReleasesSeatsAndWritesBookingExpired() {
        String showId = Api.createShow("A1", "A2", "A3");
        String customer = Tokens.customer(Tokens.newCustomerId("sleepy"));
        String bookingId = Api.holdSeats(customer, showId, "A1", "A2");

        Db.expireHold(bookingId);

        await().atMost(SWEEP_DEADLINE).untilAsserted(() ->
                assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("EXPIRED"));
        given().auth().oauth2(customer).when().get("/api/bookings/{id}", bookingId)
                .then().statusCode(200).header("ETag", equalTo("\"2\"")).body("version", equalTo(2));
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE").containsEntry("A2", "AVAILABLE");
        assertThat(Db.count("SELECT count(*) FROM booking_seat WHERE booking_id = ?::uuid AND live", bookingId)).isZero();
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.expired");
        JsonNode expired = Db.events(bookingId).get(1);
        assertThat(expired.path("sequence").asText()).isEqualTo("0000000000000000002");
        assertThat(expired.path("data").path("status").asText()).isEqualTo("EXPIRED");
        assertThat(expired.path("data").path("seats").toString()).isEqualTo("[\"A1\",\"A2\"]");
    }

    @Test
    void lateConfirmOfExpiredHoldReturns409() {
        String showId = Api.createShow("A1");
        String customer = Tokens.customer(Tokens.newCustomerId("late"));
        String bookingId = Api.holdSeats(customer, showId, "A1");
        Db.expireHold(bookingId);

        // Before or after the sweeper got to it, the answer is the same.
        Api.confirm(customer, bookingId).then().statusCode(409).body("type", equalTo(PROBLEMS + "booking-expired"));
        await().atMost(SWEEP_DEADLINE).untilAsserted(() ->
                assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("EXPIRED"));
        Api.confirm(customer, bookingId)
                .then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "booking-expired"))
                .body("bookingStatus", equalTo("EXPIRED"));

        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE");
        assertThat(Db.eventTypes(bookingId)).containsExactly("booking.held", "booking.expired");
    }

    @Test
    void cancelOfExpiredHoldReturns409() {
        String customer = Tokens.customer(Tokens.newCustomerId("late"));
        String bookingId = Api.holdSeats(customer, Api.createShow("A1"), "A1");
        Db.expireHold(bookingId);
        await().atMost(SWEEP_DEADLINE).untilAsserted(() ->
                assertThat(Api.booking(customer, bookingId).getString("status")).isEqualTo("EXPIRED"));

        given().auth().oauth2(customer).contentType(ContentType.JSON)
                .when().post("/api/bookings/{id}/cancel", bookingId)
                .then().statusCode(409).body("type", equalTo(PROBLEMS + "booking-expired"));
    }

    @Test
    void seatsOfExpiredHoldCanBeHeldAgain() {
        String showId = Api.createShow("A1");
        String bookingId = Api.holdSeats(Tokens.customer(Tokens.newCustomerId("first")), showId, "A1");
        Db.expireHold(bookingId);
        await().atMost(SWEEP_DEADLINE).untilAsserted(() ->
                assertThat(Api.seatStatuses(showId)).containsEntry("A1", "AVAILABLE"));

        Api.hold(Tokens.customer(Tokens.newCustomerId("second")), showId, "A1").then().statusCode(201);
    }

    @Test
    void unexpiredHoldsAreLeftAlone() {
        String customer = Tokens.customer(Tokens.newCustomerId("patient"));
        String showId = Api.createShow("A1", "A2");
        String kept = Api.holdSeats(customer, showId, "A1");
        String expired = Api.holdSeats(customer, showId, "A2");
        Db.expireHold(expired);

        await().atMost(SWEEP_DEADLINE).untilAsserted(() ->
                assertThat(Api.booking(customer, expired).getString("status")).isEqualTo("EXPIRED"));

        assertThat(Api.booking(customer, kept).getString("status")).isEqualTo("HELD");
        assertThat(Api.seatStatuses(showId)).containsEntry("A1", "HELD");
    }

    /** Several sweepers at once (as on several replicas) expire each hold exactly once. */
    @Test
    void concurrentSweepsExpireEachHoldExactlyOnce() throws Throwable {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            labels.add("A" + i);
        }
        String showId = Api.createShow(labels.toArray(String[]::new));
        String customer = Tokens.customer(Tokens.newCustomerId("crowd"));
        List<String> bookingIds = new ArrayList<>();
        for (String label : labels) {
            bookingIds.add(Api.holdSeats(customer, showId, label));
        }
        bookingIds.forEach(Db::expireHold);

        VertxContextSupport.subscribeAndAwait(() -> Uni.join()
                .all(sweeper.sweepOnce(), sweeper.sweepOnce(), sweeper.sweepOnce(), sweeper.sweepOnce())
                .andCollectFailures());

        await().atMost(SWEEP_DEADLINE).untilAsserted(() -> assertThat(Db.count(
                "SELECT count(*) FROM booking WHERE show_id = ?::uuid AND status = 'EXPIRED'", showId)).isEqualTo(20));
        for (String bookingId : bookingIds) {
            assertThat(Db.eventTypes(bookingId)).as("events of %s", bookingId)
                    .containsExactly("booking.held", "booking.expired");
        }
        assertThat(Api.seatStatuses(showId).values()).containsOnly("AVAILABLE");
    }
}
