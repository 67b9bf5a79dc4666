package io.seatbooking.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.support.Api;
import io.seatbooking.support.Tokens;

/** /q/metrics carries the series the operations guide (README, "Operations") tells to watch. */
@QuarkusTest
class MetricsTest {

    @Test
    void bookingOutcomesAndConflictsAreCounted() {
        double held = value("bookings_holds_total", "outcome=\"held\"");
        double unavailable = value("bookings_holds_total", "outcome=\"seat-unavailable\"");
        double confirmed = value("bookings_transitions_total", "to=\"confirmed\"");

        String showId = Api.createShow("A1");
        String alice = Tokens.customer(Tokens.newCustomerId("metrics"));
        String booking = Api.holdSeats(alice, showId, "A1");
        Api.hold(Tokens.customer(Tokens.newCustomerId("metrics")), showId, "A1").then().statusCode(409);
        given().auth().oauth2(alice).when().post("/api/bookings/{id}/confirm", booking).then().statusCode(200);

        assertThat(value("bookings_holds_total", "outcome=\"held\"")).isEqualTo(held + 1);
        assertThat(value("bookings_holds_total", "outcome=\"seat-unavailable\"")).isEqualTo(unavailable + 1);
        assertThat(value("bookings_transitions_total", "to=\"confirmed\"")).isEqualTo(confirmed + 1);
    }

    @Test
    void everySeriesTheOperationsGuideNamesIsExposed() {
        // HTTP series exist once a request has been served; a hold creates the booking series.
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("metrics")), Api.createShow("A1"), "A1");
        // The relay and the dead-letter gauges publish after their first refresh.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = metrics();
            for (String series : new String[] { "outbox_pending", "outbox_oldest_pending_age_seconds",
                    "outbox_relay_leader", "outbox_relay_partitions", "outbox_published_total", "outbox_confirm_latency_seconds_bucket",
                    "outbox_commit_to_confirm_seconds_bucket", "outbox_commit_to_publish_seconds_bucket",
                    "dead_letters_pending", "dead_letters_oldest_age_seconds", "http_server_requests_seconds_count",
                    "bookings_holds_total" }) {
                assertThat(metrics).as(series).containsPattern("(?m)^" + series + "[{ ]");
            }
        });
    }

    /**
     * Counters are registered with every documented label value at start, at zero: a series that
     * nothing has used yet (no conflict, no nack, no requeue in this run) is already there.
     */
    @Test
    void documentedCountersExistBeforeTheirFirstUse() {
        String metrics = metrics();
        for (String series : new String[] {
                "bookings_transitions_total{to=\"refund-requested\"}",
                "bookings_conflicts_total{kind=\"database-retry\"}",
                "outbox_publish_failures_total{kind=\"connection_lost\"}",
                "payments_consumed_total{outcome=\"parked\"}",
                "payments_requeued_total",
                "payments_retries_total{step=\"3\"}",
                "payments_parked_total{reason=\"retries-exhausted\"}",
                "dead_letters_bulk_resolved_total{action=\"replay\"}",
                "queue_joined_total", "queue_admitted_total", "queue_abandoned_total" }) {
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            String label = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
            assertThat(metrics).as(series)
                    .containsPattern("(?m)^" + Pattern.quote(name) + "(\\{[^}]*" + Pattern.quote(label) + "[^}]*\\})? ");
        }
    }

    private static double value(String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} ([0-9.eE+-]+)")
                .matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
