package io.seatbooking.payments;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.seatbooking.payments.PaymentsTopology;
import io.smallrye.jwt.build.Jwt;

/**
 * Helpers of the payments and dead letter tests: tokens, shows and holds through the HTTP API,
 * payment events published with publisher confirms, and reads of the database (JDBC, straight to
 * PostgreSQL, never through the service's pool or a fault-injecting proxy).
 */
public final class PaymentsTestSupport {

    /** The test database, straight (Flyway's JDBC URL never goes through a test proxy). */
    public static String jdbcUrl() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    }

    private PaymentsTestSupport() {
    }

    // ---- tokens

    public static String token(String subject, String... groups) {
        return Jwt.issuer("seat-booking-dev").subject(subject).groups(Set.of(groups)).expiresIn(3600)
                .sign(privateKey());
    }

    public static String adminToken() {
        return token("ops-" + UUID.randomUUID(), "admin");
    }

    private static PrivateKey privateKey() {
        try {
            String pem = Files.readString(Path.of("dev/keys/dev-only-private-key.pem"));
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the development signing key", e);
        }
    }

    // ---- shows and bookings through the API

    /** A new show with seats A1..A{seats}; answers its id. */
    public static UUID createShow(int seats) {
        String id = given().auth().oauth2(adminToken()).contentType("application/json")
                .body(Map.of("title", "Payments test " + UUID.randomUUID(),
                        "startsAt", Instant.now().plus(30, ChronoUnit.DAYS).toString(),
                        "rows", List.of("A"), "seatsPerRow", seats))
                .when().post("/api/shows")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** A HELD booking of one seat of a new show; answers its id. */
    public static UUID heldBooking() {
        UUID show = createShow(2);
        String id = given().auth().oauth2(token("customer-" + UUID.randomUUID(), "customer"))
                .contentType("application/json")
                .body(Map.of("showId", show.toString(), "seats", List.of("A1")))
                .when().post("/api/bookings")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    // ---- publishing

    /** A payment CloudEvent as the payments service publishes it. */
    public static byte[] paymentEvent(String type, String eventId, UUID bookingId, String paymentId, long amount) {
        return ("""
                {"specversion":"1.0","id":"%s","source":"/payments","type":"%s","time":"%s",
                 "datacontenttype":"application/json",
                 "data":{"bookingId":"%s","paymentId":"%s","amountCents":%d}}
                """.formatted(eventId, type, Instant.now(), bookingId, paymentId, amount))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes a payment event with message-id = CloudEvent id; answers the message id. */
    public static String publishPayment(String type, UUID bookingId, String paymentId) {
        String messageId = UUID.randomUUID().toString();
        publishPayment(type, messageId, bookingId, paymentId);
        return messageId;
    }

    public static void publishPayment(String type, String messageId, UUID bookingId, String paymentId) {
        publish(type, props(messageId, Map.of()), paymentEvent(type, messageId, bookingId, paymentId, 4200));
    }

    public static AMQP.BasicProperties props(String messageId, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).contentType("application/cloudevents+json")
                .deliveryMode(2).headers(headers.isEmpty() ? null : new HashMap<>(headers)).build();
    }

    /** Publishes to the payments exchange and waits for the broker's confirm. */
    public static void publish(String routingKey, AMQP.BasicProperties properties, byte[] body) {
        publishAll(List.of(new Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, routingKey, properties, body)));
    }

    /** One message to publish. */
    public record Outgoing(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    }

    /** Publishes the messages in order on one confirm channel and waits for every confirm. */
    public static void publishAll(List<Outgoing> messages) {
        try (com.rabbitmq.client.Connection connection = broker().newConnection("payments-test");
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (Outgoing m : messages) {
                channel.basicPublish(m.exchange(), m.routingKey(), true, m.properties(), m.body());
            }
            channel.waitForConfirmsOrDie(30_000);
        } catch (Exception e) {
            throw new IllegalStateException("Publishing failed", e);
        }
    }

    public static ConnectionFactory broker() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost(io.seatbooking.support.TestDatabase.virtualHost());
        return factory;
    }

    // ---- database reads (and the few writes a test needs to set a scene)

    public static Connection db() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    public static String bookingStatus(UUID bookingId) {
        return single("SELECT status FROM booking WHERE id = ?", bookingId);
    }

    public static long bookingVersion(UUID bookingId) {
        return Long.parseLong(single("SELECT version::text FROM booking WHERE id = ?", bookingId));
    }

    /** The outbox rows of a subject, oldest first: event type and sequence. */
    public static List<String> events(UUID subject) {
        return list("SELECT event_type || '@' || sequence FROM outbox_event WHERE subject = ? ORDER BY id",
                subject.toString());
    }

    public static long eventCount(UUID subject, String type) {
        return events(subject).stream().filter(e -> e.startsWith(type + "@")).count();
    }

    public static String inboxOutcome(String messageId) {
        return single("SELECT outcome FROM payment_inbox WHERE message_id = ?", messageId);
    }

    /** Dead letter rows of a message id: "reason|attempts|status|id". */
    public static List<String> deadLetters(String messageId) {
        return list("SELECT reason || '|' || attempts || '|' || status || '|' || id FROM dead_letter"
                + " WHERE message_id = ? ORDER BY parked_at", messageId);
    }

    public static void execute(String sql, Object... params) {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String single(String sql, Object... params) {
        List<String> rows = list(sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public static List<String> list(String sql, Object... params) {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }

    // ---- metrics

    public static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
