package io.seatbooking.queue.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.seatbooking.outbox.CloudEventMessages;
import io.seatbooking.outbox.OutboxWriter;
import io.seatbooking.queue.QueueMetrics;
import io.seatbooking.queue.Room;
import io.seatbooking.queue.WaitingRoomConfig;
import io.seatbooking.queue.repository.WaitingRoomRepository;
import io.seatbooking.queue.service.Admitter;
import io.seatbooking.queue.service.KnownPositions;
import io.seatbooking.queue.service.RoomCache;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.Tokens;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/** The waiting room against the real database: positions, admission in turn, tokens, expiry and hand-over. */
@QuarkusTest
@TestProfile(WaitingRoomProfile.class)
class WaitingRoomTest {

    @Inject
    Pool pool;
    @Inject
    WaitingRoomRepository rooms;
    @Inject
    WaitingRoomConfig config;
    @Inject
    QueueMetrics metrics;
    @Inject
    OutboxWriter outbox;
    @Inject
    CloudEventMessages messages;
    @Inject
    Vertx vertx;
    @Inject
    KnownPositions knownPositions;
    @Inject
    jakarta.enterprise.inject.Instance<io.seatbooking.platform.WritePathLoad> writePath;

    @Test
    void customersWhoJoinBeforeTheOpeningGetRandomPositionsAndAreAdmittedInTurn() {
        String show = Api.createShow(40);
        openAt(show, Instant.now().plusSeconds(600));
        List<String> joinOrder = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String customer = Tokens.newCustomerId("early-" + i);
            joinOrder.add(customer);
            join(customer, show).then().statusCode(201).body("state", equalTo("waiting"))
                    .body("position", org.hamcrest.Matchers.nullValue());
        }
        String first = joinOrder.get(0);
        String ticket = join(first, show).then().statusCode(200).extract().path("ticket");
        assertThat(status(first, show, null).then().extract().<String>path("ticket")).isEqualTo(ticket);
        openAt(show, Instant.now().minusSeconds(1)); // the opening may move until it happened

        await().atMost(Duration.ofSeconds(15)).until(() -> status(first, show, null).path("position") != null);
        List<Long> positions = joinOrder.stream().map(c -> ((Number) status(c, show, null).path("position")).longValue())
                .toList();
        assertThat(positions).containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, 30)
                .boxed().toList());
        assertThat(positions).as("arriving first is no advantage").isNotEqualTo(positions.stream().sorted().toList());
        assertThat(Db.count("SELECT count(*) FROM outbox_event WHERE subject = ? AND event_type = 'queue.opened'",
                "queue/" + show)).isEqualTo(1);
        assertNoOneAdmittedOutOfTurn(show);
    }

    @Test
    void thePreQueueIsToldToComeBackAfterTheOpeningInTheOrderOfItsPositions() {
        String show = Api.createShow(40);
        Instant opensAt = Instant.now().plusSeconds(20); // within the longest poll interval: the last poll before it
        openAt(show, opensAt);
        // A pre-queue that takes the ceiling longer to admit than the spread (five seconds here: half the idle time).
        Db.update("""
                INSERT INTO queue_ticket (show_id, customer_id, draw)
                SELECT ?::uuid, 'crowd-' || g, trunc((random() - 0.5) * 18446744073709551614)::bigint
                  FROM generate_series(1, 1000) AS g""", show);
        Map<String, Instant> comesBackAt = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            String customer = Tokens.newCustomerId("returning-" + i);
            String ticket = join(customer, show).path("ticket");
            Instant asked = Instant.now();
            long pollAfter = Long.parseLong(status(customer, show, ticket).header("Queue-Poll-After"));
            comesBackAt.put(customer, asked.plusMillis(pollAfter));
            assertThat(asked.plusMillis(pollAfter)).as("after the opening, within the spread")
                    .isAfter(opensAt.plus(config.tick()).minusSeconds(1))
                    .isBefore(opensAt.plus(config.openingSpread()).plusSeconds(1));
        }
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);

        Map<String, Long> ranked = new java.util.HashMap<>();
        Db.rows("SELECT customer_id, position FROM queue_ticket WHERE show_id = ?::uuid", show)
                .forEach(r -> ranked.put((String) r.get("customer_id"), ((Number) r.get("position")).longValue()));
        comesBackAt.forEach((a, aBack) -> comesBackAt.forEach((b, bBack) -> {
            if (aBack.isBefore(bBack.minusMillis(200))) { // told apart by more than a request's time
                assertThat(ranked.get(a)).as("%s comes back before %s", a, b).isLessThan(ranked.get(b));
            }
        }));
    }

    @Test
    void aPreQueueTheCeilingAdmitsAtOnceComesBackAtOnce() {
        String show = Api.createShow(40);
        Instant opensAt = Instant.now().plusSeconds(25);
        openAt(show, opensAt);
        Map<String, String> tickets = new java.util.HashMap<>();
        for (int i = 0; i < 5; i++) {
            String customer = Tokens.newCustomerId("few-" + i);
            tickets.put(customer, join(customer, show).path("ticket"));
        }
        // Five customers, admitted within a tenth of a second at 50 a second: all come back as soon as
        // the replicas know the positions, not over the spread (once this replica has counted them).
        Instant soon = opensAt.plus(config.tick()).plus(config.stateCache()).plusMillis(500);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> tickets.forEach((customer, ticket) -> {
            Instant asked = Instant.now();
            long pollAfter = Long.parseLong(status(customer, show, ticket).header("Queue-Poll-After"));
            assertThat(asked.plusMillis(pollAfter)).as(customer).isBefore(soon);
        }));
    }

    @Test
    void afterTheOpeningThePreQueueLearnsItsPositionsFromMemoryNotFromItsTicketRows() {
        String show = Api.createShow(40);
        openAt(show, Instant.now().plusSeconds(600));
        Map<String, String> tickets = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            String customer = Tokens.newCustomerId("pre-" + i);
            tickets.put(customer, join(customer, show).path("ticket"));
        }
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);
        Map<String, Long> ranked = new java.util.HashMap<>();
        Db.rows("SELECT customer_id, position FROM queue_ticket WHERE show_id = ?::uuid", show)
                .forEach(r -> ranked.put((String) r.get("customer_id"), ((Number) r.get("position")).longValue()));
        // Far enough back not to be admitted during the test (two slots), and, once this replica holds
        // the positions of the opening, its row gone: only that memory can still tell its position.
        String gone = ranked.entrySet().stream().filter(e -> e.getValue() > 10).findFirst().orElseThrow().getKey();
        Room room = rooms.find(UUID.fromString(show)).await().atMost(Duration.ofSeconds(5)).orElseThrow();
        await().atMost(Duration.ofSeconds(15)).until(() -> knownPositions.of(room, gone).isPresent());
        Db.update("DELETE FROM queue_ticket WHERE show_id = ?::uuid AND customer_id = ?", show, gone);

        Response fromMemory = status(gone, show, tickets.get(gone));
        fromMemory.then().statusCode(200);
        fromMemory.then().body("state", equalTo("waiting"));
        assertThat(((Number) fromMemory.path("position")).longValue()).isEqualTo(ranked.get(gone));
        String positioned = fromMemory.path("ticket");
        assertThat(positioned).as("the answer's ticket carries the position").isNotEqualTo(tickets.get(gone));
        assertThat(((Number) status(gone, show, positioned).path("position")).longValue()).isEqualTo(ranked.get(gone));
        tickets.forEach((customer, ticket) -> {
            if (!customer.equals(gone) && ranked.get(customer) > 2) {
                assertThat(((Number) status(customer, show, ticket).path("position")).longValue())
                        .as(customer).isEqualTo(ranked.get(customer));
            }
        });
    }

    @Test
    void aReplicaKeepsNoMorePositionsInMemoryThanItsSettingAllowsOverAllRooms() throws Exception {
        // A replica's memory allowing 25 positions: the first room's 12 fit, the second's 14 would not.
        KnownPositions small = new KnownPositions(rooms, (WaitingRoomConfig) java.lang.reflect.Proxy.newProxyInstance(
                WaitingRoomConfig.class.getClassLoader(), new Class<?>[] { WaitingRoomConfig.class },
                (proxy, method, args) -> method.getName().equals("positionsInMemory") ? 25 : method.invoke(config, args)));
        Room first = openedRoomWith(12);
        Room second = openedRoomWith(14);
        String firstCustomer = Db.value("SELECT customer_id FROM queue_ticket WHERE show_id = ?::uuid AND position = 5",
                first.showId().toString());
        String secondCustomer = Db.value("SELECT customer_id FROM queue_ticket WHERE show_id = ?::uuid AND position = 5",
                second.showId().toString());

        await().atMost(Duration.ofSeconds(15)).until(() -> small.of(first, firstCustomer).isPresent());
        assertThat(small.of(first, firstCustomer)).hasValue(5);
        for (int i = 0; i < 20; i++) { // a read of the second room would take milliseconds; none starts
            assertThat(small.of(second, secondCustomer)).isEmpty();
            Thread.sleep(100);
        }
    }

    private Room openedRoomWith(int customers) {
        String show = Api.createShow(40);
        openAt(show, Instant.now().plusSeconds(600));
        for (int i = 0; i < customers; i++) {
            join(Tokens.newCustomerId("mem-" + i), show);
        }
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);
        return rooms.find(UUID.fromString(show)).await().atMost(Duration.ofSeconds(5)).orElseThrow();
    }

    @Test
    void afterTheOpeningPositionsAreFirstComeFirstServed() {
        String show = Api.createShow(40);
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String customer = Tokens.newCustomerId("late-" + i);
            // A join answers no position: the admitter's next tick gives it, in arrival order.
            assertThat(join(customer, show).<Object>path("position")).isNull();
            late.add(customer);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> status(late.get(4), show, null).path("position") != null);
        List<Long> positions = late.stream().map(c -> ((Number) status(c, show, null).path("position")).longValue())
                .toList();
        assertThat(positions).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aHoldNeedsTheCallersOwnValidAdmission() {
        String show = Api.createShow(10);
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);
        String alice = Tokens.newCustomerId("alice");
        String bob = Tokens.newCustomerId("bob");
        join(alice, show);
        String aliceAdmission = awaitAdmission(alice, show);

        hold(alice, show, null, "A2").then().statusCode(403)
                .body("type", equalTo("https://seat-booking.dev/problems/admission-required"))
                .body("join", equalTo("/api/shows/" + show + "/queue"));
        hold(alice, show, aliceAdmission.substring(0, aliceAdmission.length() - 3) + "abc", "A2").then().statusCode(403);
        join(bob, show);
        hold(bob, show, aliceAdmission, "A2").then().statusCode(403); // another customer's admission
        assertThat(Api.seatStatuses(show).get("A2")).isEqualTo("AVAILABLE");

        // The hold uses (and so renews) the admission, which this profile lets go idle after 10 s:
        // the confirmation follows it at once.
        String booking = hold(alice, show, aliceAdmission, "A1").then().statusCode(201).extract().path("id");
        Api.confirm(Tokens.customer(alice), booking).then().statusCode(200);
        status(alice, show, null).then().body("state", equalTo("done"));
        hold(alice, show, aliceAdmission, "A2").then().statusCode(403); // the admission ended with the confirmation
    }

    @Test
    void anIdleAdmissionExpiresAndItsSlotGoesToTheNextInLine() {
        String show = Api.createShow(10);
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            customers.add(Tokens.newCustomerId("idle-" + i));
            join(customers.get(i), show);
        }
        String firstAdmission = awaitAdmission(customers.get(0), show);
        awaitAdmission(customers.get(1), show);
        assertThat(status(customers.get(2), show, null).<String>path("state")).as("two slots").isEqualTo("waiting");

        await().atMost(Duration.ofSeconds(40)).until(() -> "expired".equals(status(customers.get(0), show, null).path("state")));
        awaitAdmission(customers.get(2), show);
        hold(customers.get(0), show, firstAdmission, "A1").then().statusCode(403);
        assertNoOneAdmittedOutOfTurn(show);
    }

    @Test
    void aWaitingCustomersPollIsAnsweredFromTheTicketWithAnEtagAndAPollHint() {
        String show = Api.createShow(10);
        openAt(show, Instant.now().plusSeconds(600));
        String customer = Tokens.newCustomerId("poller");
        Response joined = join(customer, show);
        String ticket = joined.path("ticket");
        Response first = status(customer, show, ticket);
        first.then().statusCode(200).header("Queue-Poll-After", notNullValue()).header("ETag", notNullValue());

        given().auth().oauth2(Tokens.customer(customer)).header("Queue-Ticket", ticket)
                .header("If-None-Match", first.header("ETag"))
                .when().get("/api/shows/" + show + "/queue").then().statusCode(304);
        given().auth().oauth2(Tokens.customer(Tokens.newCustomerId("stranger"))).header("Queue-Ticket", ticket)
                .when().get("/api/shows/" + show + "/queue").then() // another customer's ticket is not theirs
                .statusCode(404).body("type", equalTo("https://seat-booking.dev/problems/queue-ticket-not-found"));
    }

    @Test
    void twoReplicasShareOneQueueAndAdmitEachPositionOnceInTurn() throws Exception {
        String show = Api.createShow(40);
        openAt(show, Instant.now().minusSeconds(1));
        awaitOpened(show);
        // A second replica's admitter: its own cache, the same database, ticking as fast as it can.
        Admitter second = new Admitter(pool, rooms, new RoomCache(rooms, config), config, metrics, outbox, messages,
                vertx, writePath);
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            customers.add(Tokens.newCustomerId("shared-" + i));
            join(customers.get(i), show);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int maxAdmittedAtOnce = 0;
        while (Db.count("SELECT count(*) FROM queue_ticket WHERE show_id = ?::uuid AND state = 'WAITING'", show) > 0
                && System.nanoTime() < deadline) {
            second.tick(UUID.fromString(show)).await().atMost(Duration.ofSeconds(5));
            maxAdmittedAtOnce = Math.max(maxAdmittedAtOnce, (int) Db.count(
                    "SELECT count(*) FROM queue_ticket WHERE show_id = ?::uuid AND state = 'ADMITTED'", show));
        }

        assertThat(Db.count("SELECT count(*) FROM queue_ticket WHERE show_id = ?::uuid AND state = 'WAITING'", show))
                .isZero();
        assertThat(maxAdmittedAtOnce).as("never more admitted at once than the slots").isLessThanOrEqualTo(2);
        assertNoOneAdmittedOutOfTurn(show);
    }

    private static void assertNoOneAdmittedOutOfTurn(String show) {
        assertThat(Db.count("""
                SELECT count(*) FROM queue_ticket a JOIN queue_ticket b ON a.show_id = b.show_id
                 WHERE a.show_id = ?::uuid AND a.position < b.position
                   AND (a.admitted_at IS NULL AND b.admitted_at IS NOT NULL AND a.state = 'WAITING'
                        OR a.admitted_at > b.admitted_at)""", show)).as("admitted out of turn").isZero();
    }

    private static void openAt(String show, Instant opensAt) {
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(Map.of("opensAt", opensAt.toString()))
                .when().put("/api/shows/" + show + "/queue").then().statusCode(200);
    }

    private static void awaitOpened(String show) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                "SELECT count(*) FROM waiting_room WHERE show_id = ?::uuid AND opened_at IS NOT NULL", show) == 1);
    }

    private static Response join(String customer, String show) {
        return given().auth().oauth2(Tokens.customer(customer)).when().post("/api/shows/" + show + "/queue");
    }

    private static Response status(String customer, String show, String ticket) {
        var request = given().auth().oauth2(Tokens.customer(customer));
        if (ticket != null) {
            request = request.header("Queue-Ticket", ticket);
        }
        return request.when().get("/api/shows/" + show + "/queue");
    }

    private static String awaitAdmission(String customer, String show) {
        await().atMost(Duration.ofSeconds(30)).until(() -> "admitted".equals(status(customer, show, null).path("state")));
        return status(customer, show, null).path("admissionToken");
    }

    private static Response hold(String customer, String show, String admission, String... seats) {
        var request = given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON)
                .body(Map.of("showId", show, "seats", List.of(seats)));
        if (admission != null) {
            request = request.header("Admission-Token", admission);
        }
        return request.when().post("/api/bookings");
    }
}
