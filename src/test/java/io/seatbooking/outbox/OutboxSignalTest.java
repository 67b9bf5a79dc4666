package io.seatbooking.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.outbox.relay.OutboxRelayRunner;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.EventCollector;
import io.seatbooking.support.Tokens;

/**
 * The service's writes wake the relays after their commit, without a NOTIFY in the writing
 * transaction: this replica's relay in the process, the others by a NOTIFY sent afterwards, unless
 * this replica holds every partition. The fallback poll is an hour here, so an event that arrives
 * was woken by the signal.
 */
@QuarkusTest
@TestProfile(OutboxSignalTest.NoPoll.class)
class OutboxSignalTest {

    @Inject
    OutboxRelayRunner relays;

    public static class NoPoll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("outbox.relay.poll-interval", "PT1H");
        }
    }

    @Test
    void aCommittedChangeIsPublishedWithoutWaitingForThePoll() throws Exception {
        try (EventCollector events = EventCollector.bookingEvents("#")) {
            String customer = Tokens.customer("signal-" + UUID.randomUUID());
            String show = Api.createShow(2);
            String booking = Api.holdSeats(customer, show, "A1");
            Api.confirm(customer, booking).then().statusCode(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> events.about(booking).size() >= 2);
            assertThat(events.about(booking)).extracting(EventCollector.Received::routingKey)
                    .containsExactly("booking.held", "booking.confirmed");
        }
    }

    @Test
    void aReplicaThatHoldsEveryPartitionSendsNoNotify() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> relays.relay().orElseThrow().relaysAlone());
        try (Connection listener = Db.connection(); Statement listen = listener.createStatement()) {
            listen.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);
            PGConnection pg = listener.unwrap(PGConnection.class);
            pg.getNotifications(1);

            Api.holdSeats(Tokens.customer("signal-" + UUID.randomUUID()), Api.createShow(1), "A1");

            assertThat(pg.getNotifications(1_000)).as("notifications within a second of the commit").isNullOrEmpty();
        }
    }

    @Test
    void otherReplicasHearOfACommitByANotifyOnTheOutboxChannel() throws Exception {
        try (Connection db = Db.connection(); Statement statement = db.createStatement()) {
            // Another replica takes partition 0 for an hour: this one loses it at its next renewal.
            statement.execute("""
                    UPDATE outbox_relay_partition SET owner = 'signal-test-other', epoch = epoch + 1,
                           expires_at = now() + interval '1 hour'
                     WHERE name = 'outbox' AND partition = 0""");
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> !relays.relay().orElseThrow().relaysAlone());
                try (Connection listener = Db.connection(); Statement listen = listener.createStatement()) {
                    listen.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);
                    PGConnection pg = listener.unwrap(PGConnection.class);
                    pg.getNotifications(1);

                    Api.holdSeats(Tokens.customer("signal-" + UUID.randomUUID()), Api.createShow(1), "A1");

                    PGNotification[] heard = pg.getNotifications(10_000);
                    assertThat(heard).isNotNull().isNotEmpty();
                    assertThat(heard[0].getName()).isEqualTo(OutboxWriter.NOTIFY_CHANNEL);
                }
            } finally {
                statement.execute("""
                        UPDATE outbox_relay_partition SET owner = NULL, expires_at = '-infinity'
                         WHERE name = 'outbox' AND owner = 'signal-test-other'""");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> relays.relay().orElseThrow().relaysAlone());
        }
    }
}
