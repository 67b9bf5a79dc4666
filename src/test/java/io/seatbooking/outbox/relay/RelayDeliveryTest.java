package io.seatbooking.outbox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.seatbooking.booking.service.HoldService;
import io.seatbooking.security.Caller;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.EventCollector;
import io.seatbooking.support.Tokens;
import io.smallrye.mutiny.Uni;

/** Every committed change reaches booking.events exactly once, in order; rolled back ones never. */
@QuarkusTest
class RelayDeliveryTest {

    @Inject
    HoldService holds;

    private EventCollector events;

    @BeforeEach
    void collect() throws Exception {
        events = EventCollector.bookingEvents("#");
    }

    @AfterEach
    void stopCollecting() throws Exception {
        events.close();
    }

    @Test
    void everyBookingChangeArrivesOnceWithItsEnvelopeAndRoutingKey() {
        String customer = Tokens.customer("relay-" + UUID.randomUUID());
        String show = Api.createShow(4);
        String first = Api.holdSeats(customer, show, "A1", "A2");
        Api.confirm(customer, first).then().statusCode(200);
        String second = Api.holdSeats(customer, show, "A3");
        Api.cancel(customer, second).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> events.about(first).size() >= 2
                && events.about(second).size() >= 2 && !events.about(show).isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);

        assertThat(events.about(first)).extracting(EventCollector.Received::routingKey)
                .containsExactly("booking.held", "booking.confirmed");
        assertThat(events.about(second)).extracting(EventCollector.Received::routingKey)
                .containsExactly("booking.held", "booking.cancelled");
        assertThat(events.about(show)).extracting(EventCollector.Received::routingKey)
                .containsExactly("show.created");

        EventCollector.Received confirmed = events.about(first).get(1);
        CloudEvent parsed = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                .deserialize(confirmed.body());
        assertThat(parsed.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(parsed.getId()).isEqualTo(confirmed.messageId());
        assertThat(parsed.getType()).isEqualTo("booking.confirmed");
        assertThat(parsed.getSubject()).isEqualTo(first);
        assertThat(parsed.getSource()).isEqualTo(URI.create("/seat-booking"));
        assertThat(parsed.getTime()).isNotNull();
        assertThat(parsed.getDataContentType()).isEqualTo("application/json");
        assertThat(parsed.getExtension("sequence")).isEqualTo("0000000000000000002");
        assertThat(String.valueOf(parsed.getExtension("traceparent"))).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(new String(parsed.getData().toBytes(), StandardCharsets.UTF_8))
                .contains("\"status\":\"CONFIRMED\"").contains("\"id\":\"" + first + "\"");

        assertThat(confirmed.properties().getContentType()).isEqualTo("application/cloudevents+json");
        assertThat(confirmed.properties().getType()).isEqualTo("booking.confirmed");
        assertThat(confirmed.properties().getDeliveryMode()).isEqualTo(2);
        assertThat(confirmed.properties().getTimestamp()).isNotNull();
        // The message carries the relay's publish span: the same trace as the request that
        // wrote the event (the CloudEvent's traceparent), a span of its own.
        String header = String.valueOf(confirmed.properties().getHeaders().get("traceparent"));
        String written = String.valueOf(parsed.getExtension("traceparent"));
        assertThat(header.split("-")[1]).isEqualTo(written.split("-")[1]);
        assertThat(header.split("-")[2]).isNotEqualTo(written.split("-")[2]);
    }

    @Test
    void aRolledBackHoldIsNeverPublished() throws Throwable {
        String show = Api.createShow(2);
        AtomicReference<UUID> rolledBack = new AtomicReference<>();
        Uni<?> failing = holds.hold(new Caller("relay-rollback", false), UUID.fromString(show), List.of("A1"), null,
                (tx, booking) -> {
                    rolledBack.set(booking.id);
                    return Uni.createFrom().failure(new IllegalStateException("injected before commit"));
                });
        try {
            VertxContextSupport.subscribeAndAwait(() -> failing);
        } catch (IllegalStateException expected) {
            // the transaction rolled back
        }
        assertThat(rolledBack.get()).isNotNull();

        // A later change of the same show is the marker: once it arrived, the rolled back one
        // would have arrived before it, since the relay publishes in commit order.
        String marker = Api.holdSeats(Tokens.customer("relay-marker"), show, "A1");
        await().atMost(Duration.ofSeconds(20)).until(() -> !events.about(marker).isEmpty());
        assertThat(events.about(rolledBack.get().toString())).isEmpty();
    }

    @Test
    void perSubjectOrderHoldsUnderConcurrentChangesToManyBookings() throws Exception {
        int bookings = 60;
        String show = Api.createShow(bookings);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<String>> lifecycles = new ArrayList<>();
            for (int i = 1; i <= bookings; i++) {
                String seat = "A" + i;
                lifecycles.add(CompletableFuture.supplyAsync(() -> {
                    String customer = Tokens.customer("order-" + UUID.randomUUID());
                    String id = Api.holdSeats(customer, show, seat);
                    Api.confirm(customer, id).then().statusCode(200);
                    Api.cancel(customer, id).then().statusCode(200);
                    return id;
                }, pool));
            }
            Map<String, Long> lastSequence = new HashMap<>();
            for (CompletableFuture<String> lifecycle : lifecycles) {
                lastSequence.put(lifecycle.get(), 3L);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> DeliveryCheck.of(lastSequence, events.all()).delivered() == 3 * bookings);
            DeliveryCheck check = DeliveryCheck.of(lastSequence, events.all());
            assertThat(check.lost()).isZero();
            assertThat(check.orderViolations()).isEmpty();
            assertThat(check.duplicates()).isZero();
            assertThat(check.complete()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A transaction that took its outbox id before another but commits after it (the relay has
     * meanwhile claimed past that id) is still published: its NOTIFY makes the next claim walk
     * from the lowest pending id again.
     */
    @Test
    void aRowCommittedAfterARowWithAHigherIdIsStillPublished() throws Exception {
        String early = "late-commit-" + UUID.randomUUID();
        String later = "early-commit-" + UUID.randomUUID();
        try (java.sql.Connection slow = Db.connection(); java.sql.Connection fast = Db.connection()) {
            slow.setAutoCommit(false);
            long lowId = insertOutboxRow(slow, early);
            long highId = insertOutboxRow(fast, later);
            assertThat(lowId).isLessThan(highId);
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.about(later).isEmpty());

            slow.commit();
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.about(early).isEmpty());
        }
        assertThat(events.about(early)).hasSize(1);
        assertThat(events.about(later)).hasSize(1);
    }

    /**
     * One outbox row with a NOTIFY in its own transaction, as a writer outside the service may
     * write them (the service's own writes are signalled after their commit, OutboxSignal);
     * answers its id.
     */
    private static long insertOutboxRow(java.sql.Connection connection, String subject) throws Exception {
        String payload = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"subject\":\"" + subject
                + "\",\"sequence\":\"1\",\"type\":\"booking.held\",\"source\":\"/test\"}";
        try (java.sql.PreparedStatement insert = connection.prepareStatement("""
                WITH appended AS (
                    INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key,
                                              content_type, payload)
                    VALUES (gen_random_uuid(), 'booking.held', ?, 1, 'booking.events', 'booking.held',
                            'application/cloudevents+json', convert_to(?, 'UTF8'))
                    RETURNING id)
                SELECT id, pg_notify('outbox_event', '') FROM appended""")) {
            insert.setString(1, subject);
            insert.setString(2, payload);
            try (java.sql.ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
