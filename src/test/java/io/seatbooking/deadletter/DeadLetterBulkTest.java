package io.seatbooking.deadletter;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.seatbooking.deadletter.service.DeadLetterRetention;
import io.seatbooking.support.Broker;
import io.seatbooking.support.Db;
import io.seatbooking.support.FailedMessages;
import io.seatbooking.support.FailedMessages.Cause;
import io.seatbooking.support.Tokens;

/**
 * Dead letters at scale through the admin API: fingerprints and group summaries, bulk replay and
 * discard with preview, audit, Idempotency-Key and progress, and retention's rule that parked
 * letters stay. Each test parks its own letters under a message type of its own.
 */
@QuarkusTest
class DeadLetterBulkTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Cause TIMEOUT = new Cause("retries-exhausted", "TimeoutException: provider did not answer",
            "PaymentsConsumer.process");
    private static final Cause UNPARSEABLE = new Cause("unparseable", null, null);

    /** Parks {@code n} letters of {@code cause} and type {@code type}; answers their message ids. */
    private static List<String> park(String exchange, String type, Cause cause, int n) {
        List<Broker.Outgoing> out = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            out.add(FailedMessages.failed(exchange, "bulk.test", type, id, cause, FailedMessages.body(id)));
        }
        Broker.publish(out);
        return ids;
    }

    private static void awaitParked(String type, long n) {
        await("letters of " + type + " parked").atMost(WAIT)
                .until(() -> Db.count("SELECT count(*) FROM dead_letter WHERE message_type = ?", type) == n);
    }

    private static JsonPath groups(String type, String by) {
        return given().auth().oauth2(Tokens.admin()).queryParam("messageType", type).queryParam("by", by)
                .queryParam("status", "PARKED")
                .when().get("/api/admin/dead-letters/groups")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void lettersOfOneCauseShareAGroupAndTheSummariesCountThem() {
        String type = "bulk.groups." + UUID.randomUUID();
        park("payments", type, TIMEOUT, 3);
        park("payments", type, UNPARSEABLE, 2);
        awaitParked(type, 5);

        JsonPath byGroup = groups(type, "group");
        assertThat(byGroup.getLong("totalItems")).isEqualTo(2);
        assertThat(byGroup.getList("items.parked", Integer.class)).containsExactly(3, 2);
        assertThat(byGroup.getString("items[0].reason")).isEqualTo("retries-exhausted");
        assertThat(byGroup.getString("items[0].exceptionType")).isEqualTo("TimeoutException");
        assertThat(byGroup.getString("items[0].origin")).isEqualTo("PaymentsConsumer.process");
        assertThat(byGroup.getString("items[0].messageType")).isEqualTo(type);
        assertThat(byGroup.getString("items[0].key")).isEqualTo(
                new FailureFingerprint("retries-exhausted", "TimeoutException", type, "PaymentsConsumer.process").id());
        assertThat(byGroup.getString("items[0].firstSeen")).isNotNull();

        JsonPath byReason = groups(type, "reason");
        assertThat(byReason.getList("items.key")).containsExactly("retries-exhausted", "unparseable");
        JsonPath byType = groups(type, "messageType");
        assertThat(byType.getList("items.key")).containsExactly(type);
        assertThat(byType.getList("items.total", Integer.class)).containsExactly(5);

        // A time range after the letters were parked shows none of them.
        given().auth().oauth2(Tokens.admin()).queryParam("messageType", type)
                .queryParam("from", Instant.now().plusSeconds(60).toString())
                .when().get("/api/admin/dead-letters/groups")
                .then().statusCode(200).body("totalItems", equalTo(0));
    }

    @Test
    void aBulkReplayOfAGroupSendsEachLetterOnceAndIsAuditedAndIdempotent() throws Exception {
        String type = "bulk.replay." + UUID.randomUUID();
        String exchange = "bulk-test-" + UUID.randomUUID();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        try (Connection connection = Broker.factory().newConnection("bulk-test");
                Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(exchange, "topic", false, true, null);
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, exchange, "#");
            DeliverCallback onMessage = (tag, delivery) -> received.merge(delivery.getProperties().getMessageId(), 1,
                    Integer::sum);
            channel.basicConsume(queue, true, onMessage, tag -> { });

            List<String> ids = park(exchange, type, TIMEOUT, 12);
            park(exchange, type, UNPARSEABLE, 3);
            awaitParked(type, 15);
            String group = groups(type, "group").getString("items[0].key");
            String body = "{\"action\":\"REPLAY\",\"group\":\"" + group + "\"}";

            given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body)
                    .when().post("/api/admin/dead-letters/bulk/preview")
                    .then().statusCode(200).body("matched", equalTo(12)).body("ratePerSecond", notNullValue());

            String key = UUID.randomUUID().toString();
            String admin = Tokens.withGroups("ops-" + UUID.randomUUID(), "admin");
            String jobId = given().auth().oauth2(admin).header("Idempotency-Key", key).contentType("application/json")
                    .body(body)
                    .when().post("/api/admin/dead-letters/bulk")
                    .then().statusCode(202).body("matched", equalTo(12)).body("status", equalTo("RUNNING"))
                    .extract().path("id");
            // The repeat answers the same job and starts no other.
            given().auth().oauth2(admin).header("Idempotency-Key", key).contentType("application/json").body(body)
                    .when().post("/api/admin/dead-letters/bulk")
                    .then().statusCode(202).header("Idempotent-Replayed", "true").body("id", equalTo(jobId));

            await("job done").atMost(WAIT).until(() -> "COMPLETED".equals(given().auth().oauth2(admin)
                    .when().get("/api/admin/dead-letters/bulk/{id}", jobId).then().extract().path("status")));
            await("replays received").atMost(WAIT).until(() -> received.keySet().containsAll(ids));

            JsonPath job = given().auth().oauth2(admin).when().get("/api/admin/dead-letters/bulk/{id}", jobId)
                    .then().statusCode(200).extract().jsonPath();
            assertThat(job.getInt("processed")).isEqualTo(12);
            assertThat(job.getString("filter.group")).isEqualTo(group);
            assertThat(job.getString("requestedBy")).startsWith("ops-");
            assertThat(Set.copyOf(received.keySet())).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(received.values()).allMatch(n -> n == 1);
            assertThat(Db.count("SELECT count(*) FROM dead_letter_bulk_job WHERE filter->>'group' = ?", group))
                    .isEqualTo(1);
            assertThat(Db.count("SELECT count(*) FROM dead_letter WHERE message_type = ? AND status = 'REPLAYED' "
                    + "AND resolved_by_job = ?::uuid", type, jobId)).isEqualTo(12);
            // The other cause is untouched.
            assertThat(groups(type, "group").getList("items.parked", Integer.class)).containsExactly(3);
        }
    }

    @Test
    void aBulkDiscardByReasonAndTimeResolvesOnlyThatAndRetentionKeepsParkedLetters() {
        String type = "bulk.discard." + UUID.randomUUID();
        park("payments", type, UNPARSEABLE, 4);
        park("payments", type, TIMEOUT, 2);
        awaitParked(type, 6);
        String body = "{\"action\":\"DISCARD\",\"reason\":\"unparseable\",\"messageType\":\"" + type + "\"}";

        String jobId = given().auth().oauth2(Tokens.admin()).contentType("application/json").body(body)
                .when().post("/api/admin/dead-letters/bulk")
                .then().statusCode(202).header("Location", startsWith("/api/admin/dead-letters/bulk/"))
                .extract().path("id");
        await("discard done").atMost(WAIT).until(() -> Db.count(
                "SELECT count(*) FROM dead_letter WHERE message_type = ? AND status = 'DISCARDED'", type) == 4);
        given().auth().oauth2(Tokens.admin()).when().get("/api/admin/dead-letters/bulk")
                .then().statusCode(200).body("items.id", hasItem(jobId));

        // Old resolved letters go, parked ones stay however old.
        Db.update("UPDATE dead_letter SET parked_at = now() - interval '400 days' WHERE message_type = ?", type);
        Db.update("UPDATE dead_letter SET resolved_at = now() - interval '400 days' "
                + "WHERE message_type = ? AND status = 'DISCARDED'", type);
        await("retention").atMost(WAIT).until(() -> {
            Arc.container().instance(DeadLetterRetention.class).get().purgeOnce().await().indefinitely();
            return Db.count("SELECT count(*) FROM dead_letter WHERE message_type = ?", type) == 2;
        });
        assertThat(Db.count("SELECT count(*) FROM dead_letter WHERE message_type = ? AND status = 'PARKED'", type))
                .isEqualTo(2);
    }

    @Test
    void aBulkActionWithoutAFilterIs422AndAnUnknownJobIs404() {
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body("{\"action\":\"REPLAY\"}")
                .when().post("/api/admin/dead-letters/bulk")
                .then().statusCode(422).body("type", equalTo(PROBLEMS + "invalid-request"));
        given().auth().oauth2(Tokens.admin())
                .when().get("/api/admin/dead-letters/bulk/{id}", UUID.randomUUID())
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "dead-letter-job-not-found"));
        given().auth().oauth2(Tokens.customer(Tokens.newCustomerId("c")))
                .when().get("/api/admin/dead-letters/groups")
                .then().statusCode(403);
    }

    @Test
    void theGroupGaugeCountsParkedLettersPerGroup() {
        String type = "bulk.metrics." + UUID.randomUUID();
        park("payments", type, TIMEOUT, 2);
        awaitParked(type, 2);
        String group = new FailureFingerprint("retries-exhausted", "TimeoutException", type, "PaymentsConsumer.process")
                .id();
        await("gauge").atMost(WAIT).until(() -> given().when().get("/q/metrics").then().extract().asString()
                .lines().anyMatch(l -> l.startsWith("dead_letters_group_parked{") && l.contains("group=\"" + group + "\"")
                        && l.endsWith(" 2.0")));
    }
}
