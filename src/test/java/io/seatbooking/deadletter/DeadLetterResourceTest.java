package io.seatbooking.deadletter;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.Db.deadLetters;
import static io.seatbooking.support.Db.value;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Broker;
import io.seatbooking.support.PaymentMessages;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** The admin API of the dead letter channel, on letters parked through the real broker. */
@QuarkusTest
class DeadLetterResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Publishes a body that is not JSON and waits until it is parked; answers its letter id. */
    private static String parkedPoison(String routingKey, String body) {
        return PaymentMessages.parkedPoison(routingKey, "poison-" + UUID.randomUUID(), body,
                Map.of("test-marker", "dead-letter-api"));
    }

    @Test
    void aPoisonMessageIsParkedAtOnceWithWhatAnOperatorNeeds() {
        String body = "this is not JSON " + UUID.randomUUID();
        String id = parkedPoison(PaymentsTopology.PAYMENT_SUCCEEDED, body);

        given().auth().oauth2(Tokens.admin())
                .when().get("/api/admin/dead-letters/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("PARKED"))
                .body("reason", equalTo("unparseable"))
                .body("attempts", equalTo(1))
                .body("exceptionSummary", equalTo("The body is not JSON."))
                .body("originalExchange", equalTo("payments"))
                .body("originalRoutingKey", equalTo("payment.succeeded"))
                .body("sourceQueue", equalTo("booking.payments"))
                .body("contentType", equalTo("application/cloudevents+json"))
                .body("payloadText", equalTo(body))
                .body("payloadBase64", equalTo(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))))
                .body("headers.'x-failure-reason'", equalTo("unparseable"))
                .body("headers.'x-attempts'", equalTo(1))
                .body("headers.'test-marker'", equalTo("dead-letter-api"))
                .body("resolvedAt", nullValue());
    }

    @Test
    void theListingFiltersByReasonRoutingKeyAndTimeAndPaginatesNewestFirst() {
        Instant from = Instant.now().minusMillis(1);
        String first = parkedPoison(PaymentsTopology.PAYMENT_FAILED, "{not json");
        String second = parkedPoison(PaymentsTopology.PAYMENT_FAILED, "{not json either");
        String other = parkedPoison(PaymentsTopology.PAYMENT_SUCCEEDED, "{nor this");
        String admin = Tokens.admin();

        List<String> failedIds = given().auth().oauth2(admin)
                .queryParam("reason", "unparseable").queryParam("routingKey", "payment.failed")
                .queryParam("from", from.toString()).queryParam("size", 100)
                .when().get("/api/admin/dead-letters")
                .then().statusCode(200).extract().jsonPath().getList("items.id");
        assertThat(failedIds).contains(second, first).doesNotContain(other);
        assertThat(failedIds.indexOf(second)).isLessThan(failedIds.indexOf(first));

        given().auth().oauth2(admin)
                .queryParam("from", from.toString()).queryParam("size", 1).queryParam("page", 0)
                .when().get("/api/admin/dead-letters")
                .then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("size", equalTo(1))
                .body("items[0].headers", nullValue())
                .body("items[0].payloadBase64", nullValue())
                .body("items[0].payloadBytes", notNullValue());
        given().auth().oauth2(admin)
                .queryParam("to", from.toString()).queryParam("status", "PARKED").queryParam("size", 100)
                .when().get("/api/admin/dead-letters")
                .then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.not(hasItem(first)));
    }

    @Test
    void badListingParametersAreProblems() {
        String admin = Tokens.admin();
        for (Map<String, Object> query : List.<Map<String, Object>> of(Map.of("size", 1000), Map.of("size", 0),
                Map.of("page", -1), Map.of("status", "LOST"), Map.of("from", "yesterday"), Map.of("page", "x"))) {
            io.restassured.specification.RequestSpecification request = given();
            if (!query.equals(Map.of("size", 1000))) { // over the configured maximum, which the document only describes
                request.filter(OpenApiContract.invalidRequest("a parameter outside its documented type or range"));
            }
            request.auth().oauth2(admin).queryParams(query)
                    .when().get("/api/admin/dead-letters")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "malformed-request"));
        }
    }

    @Test
    void replayGoesThroughTheOutboxOnceClosesTheLetterAndASecondReplayIs409() {
        String id = parkedPoison(PaymentsTopology.PAYMENT_SUCCEEDED, "still not json " + UUID.randomUUID());
        String messageId = value("SELECT message_id FROM dead_letter WHERE id = ?::uuid", id);
        String operator = "ops-" + UUID.randomUUID();
        String admin = Tokens.withGroups(operator, "admin");

        given().auth().oauth2(admin)
                .when().post("/api/admin/dead-letters/{id}/replay", id)
                .then().statusCode(202)
                .body("status", equalTo("REPLAYED"))
                .body("resolvedBy", equalTo(operator))
                .body("resolvedAt", notNullValue());

        // One outbox row, to the original exchange and routing key, with the original message id in a
        // header (the id is not a UUID, so the wire id is derived from it).
        assertThat(value("SELECT exchange || ' ' || routing_key || ' ' || (headers ->> 'x-original-message-id')"
                + " || ' ' || (headers ->> 'x-replay-of') FROM outbox_event WHERE subject = ?", "dead-letter/" + id))
                .isEqualTo("payments payment.succeeded " + messageId + " " + id);
        // It really went out: it came back through the consumer and, still poison, was parked anew.
        await().atMost(WAIT).until(() -> value("SELECT count(*) FROM dead_letter WHERE replay_of = ?::uuid", id).equals("1"));
        assertThat(value("SELECT attempts || ' ' || reason FROM dead_letter WHERE replay_of = ?::uuid", id))
                .isEqualTo("1 unparseable");

        given().auth().oauth2(admin)
                .when().post("/api/admin/dead-letters/{id}/replay", id)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "dead-letter-already-resolved"))
                .body("status", equalTo(409))
                .body("letterStatus", equalTo("REPLAYED"))
                .body("resolvedBy", equalTo(operator));
        assertThat(value("SELECT count(*) FROM outbox_event WHERE subject = ?", "dead-letter/" + id)).isEqualTo("1");
    }

    @Test
    void discardRecordsWhoAndWhenAndThenReplayAndDiscardAre409() {
        String id = parkedPoison(PaymentsTopology.PAYMENT_FAILED, "discard me");
        String operator = "ops-" + UUID.randomUUID();
        String admin = Tokens.withGroups(operator, "admin");

        given().auth().oauth2(admin)
                .when().delete("/api/admin/dead-letters/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("DISCARDED"))
                .body("resolvedBy", equalTo(operator))
                .body("resolvedAt", notNullValue());

        given().auth().oauth2(admin).when().post("/api/admin/dead-letters/{id}/replay", id)
                .then().statusCode(409).body("type", equalTo(PROBLEMS + "dead-letter-already-resolved"))
                .body("letterStatus", equalTo("DISCARDED"));
        given().auth().oauth2(admin).when().delete("/api/admin/dead-letters/{id}", id)
                .then().statusCode(409);
        assertThat(value("SELECT count(*) FROM outbox_event WHERE subject = ?", "dead-letter/" + id)).isEqualTo("0");
    }

    @Test
    void aMessageTheBrokerDeadLetteredItselfIsParkedWithTheBrokersReasonAndOrigin() {
        // As the broker dead-letters a message from booking.payments over its delivery limit.
        String messageId = "crash-loop-" + UUID.randomUUID();
        Map<String, Object> death = new java.util.HashMap<>();
        death.put("queue", "booking.payments");
        death.put("reason", "delivery_limit");
        death.put("count", 1L);
        death.put("exchange", "payments");
        death.put("routing-keys", List.of("payment.succeeded"));
        death.put("time", new java.util.Date());
        Broker.publish(List.of(new Broker.Outgoing(
                FailureChannelTopology.DEAD_LETTER_EXCHANGE, "payment.succeeded",
                PaymentMessages.properties(messageId, Map.of("x-death", List.of(death), "x-first-death-reason", "delivery_limit")),
                "{}".getBytes(StandardCharsets.UTF_8))));

        await().atMost(WAIT).until(() -> !deadLetters(messageId).isEmpty());
        String id = deadLetters(messageId).get(0).id();
        given().auth().oauth2(Tokens.admin())
                .when().get("/api/admin/dead-letters/{id}", id)
                .then().statusCode(200)
                .body("reason", equalTo("delivery-limit"))
                .body("sourceQueue", equalTo("booking.payments"))
                .body("originalExchange", equalTo("payments"))
                .body("originalRoutingKey", equalTo("payment.succeeded"))
                .body("headers.'x-death'[0].reason", equalTo("delivery_limit"));
    }

    @Test
    void anUnknownLetterIs404() {
        String admin = Tokens.admin();
        UUID unknown = UUID.randomUUID();
        given().auth().oauth2(admin).when().get("/api/admin/dead-letters/{id}", unknown)
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "dead-letter-not-found"));
        given().auth().oauth2(admin).when().post("/api/admin/dead-letters/{id}/replay", unknown)
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "dead-letter-not-found"));
        given().auth().oauth2(admin).when().delete("/api/admin/dead-letters/{id}", unknown)
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "dead-letter-not-found"));
    }

    @Test
    void onlyAdminsMayOperateOnDeadLetters() {
        given().when().get("/api/admin/dead-letters").then().statusCode(401)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.customer("customer-" + UUID.randomUUID()))
                .when().get("/api/admin/dead-letters").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.customer("customer-" + UUID.randomUUID()))
                .when().post("/api/admin/dead-letters/{id}/replay", UUID.randomUUID()).then().statusCode(403);
    }
}
