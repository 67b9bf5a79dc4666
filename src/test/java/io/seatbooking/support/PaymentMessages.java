package io.seatbooking.support;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.AMQP;

import io.seatbooking.payments.PaymentsTopology;

/**
 * Messages on the {@code payments} exchange as the payments service sends them (a CloudEvent,
 * message-id = event id, persistent), and poison ones that the consumer parks at once.
 */
public final class PaymentMessages {

    /** The amount of a payment for a booking the database does not have (poison tests). */
    public static final long AMOUNT_CENTS = 4200;

    private PaymentMessages() {
    }

    /** The CloudEvent body of a payment in EUR. */
    public static byte[] event(String type, String eventId, String bookingId, String paymentId, long amountCents) {
        return event(type, eventId, bookingId, paymentId, amountCents, "EUR");
    }

    /** The CloudEvent body of a payment. */
    public static byte[] event(String type, String eventId, String bookingId, String paymentId, long amountCents,
            String currency) {
        return ("""
                {"specversion":"1.0","id":"%s","source":"/payments","type":"%s","time":"%s",
                 "datacontenttype":"application/json",
                 "data":{"bookingId":"%s","paymentId":"%s","amountCents":%d,"currency":"%s"}}
                """.formatted(eventId, type, Instant.now(), bookingId, paymentId, amountCents, currency))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Persistent, CloudEvents JSON, with this message id and these headers (none if empty). */
    public static AMQP.BasicProperties properties(String messageId, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).contentType("application/cloudevents+json")
                .deliveryMode(2).headers(headers.isEmpty() ? null : new HashMap<>(headers)).build();
    }

    /**
     * A payment of the booking's total, in its currency (as read from the database; {@link
     * #AMOUNT_CENTS} in EUR for a booking it does not have), to the payments exchange, routed by
     * its type.
     */
    public static Broker.Outgoing payment(String type, String messageId, String bookingId, String paymentId) {
        return new Broker.Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, type, properties(messageId, Map.of()),
                paying(type, messageId, bookingId, paymentId));
    }

    /** A payment of exactly this amount and currency (for a service whose database the tests do not read). */
    public static Broker.Outgoing payment(String type, String messageId, String bookingId, String paymentId,
            long amountCents, String currency) {
        return new Broker.Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, type, properties(messageId, Map.of()),
                event(type, messageId, bookingId, paymentId, amountCents, currency));
    }

    /**
     * The CloudEvent body of a payment of the booking's total in its currency, as the test database
     * has them ({@link #AMOUNT_CENTS} in EUR for a booking it does not have).
     */
    public static byte[] paying(String type, String eventId, String bookingId, String paymentId) {
        List<Map<String, Object>> total = Db.rows("SELECT total_cents, currency FROM booking WHERE id::text = ?",
                bookingId);
        long amount = total.isEmpty() ? AMOUNT_CENTS : ((Number) total.get(0).get("total_cents")).longValue();
        String currency = total.isEmpty() ? "EUR" : (String) total.get(0).get("currency");
        return event(type, eventId, bookingId, paymentId, amount, currency);
    }

    /** Publishes a payment under a new message id (= CloudEvent id); answers the message id. */
    public static String publish(String type, String bookingId, String paymentId) {
        String messageId = UUID.randomUUID().toString();
        publish(type, messageId, bookingId, paymentId);
        return messageId;
    }

    /** Publishes a payment under this message id, and waits for the broker's confirm. */
    public static void publish(String type, String messageId, String bookingId, String paymentId) {
        Broker.publish(List.of(payment(type, messageId, bookingId, paymentId)));
    }

    /** Publishes any body to the payments exchange, and waits for the broker's confirm. */
    public static void publish(String routingKey, AMQP.BasicProperties properties, byte[] body) {
        Broker.publish(List.of(new Broker.Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, routingKey, properties, body)));
    }

    /**
     * Publishes a body the consumer cannot parse under this message id (and headers), waits
     * until it is parked, and answers the dead letter's id.
     */
    public static String parkedPoison(String routingKey, String messageId, String body, Map<String, Object> headers) {
        publish(routingKey, properties(messageId, headers), body.getBytes(StandardCharsets.UTF_8));
        await("message " + messageId + " parked").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !Db.deadLetters(messageId).isEmpty());
        return Db.deadLetters(messageId).get(0).id();
    }
}
