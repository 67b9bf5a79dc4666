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

    /** The amount of every payment the tests publish. */
    public static final long AMOUNT_CENTS = 4200;

    private PaymentMessages() {
    }

    /** The CloudEvent body of a payment. */
    public static byte[] event(String type, String eventId, String bookingId, String paymentId, long amountCents) {
        return ("""
                {"specversion":"1.0","id":"%s","source":"/payments","type":"%s","time":"%s",
                 "datacontenttype":"application/json",
                 "data":{"bookingId":"%s","paymentId":"%s","amountCents":%d}}
                """.formatted(eventId, type, Instant.now(), bookingId, paymentId, amountCents))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Persistent, CloudEvents JSON, with this message id and these headers (none if empty). */
    public static AMQP.BasicProperties properties(String messageId, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).contentType("application/cloudevents+json")
                .deliveryMode(2).headers(headers.isEmpty() ? null : new HashMap<>(headers)).build();
    }

    /** A payment of {@link #AMOUNT_CENTS} to the payments exchange, routed by its type. */
    public static Broker.Outgoing payment(String type, String messageId, String bookingId, String paymentId) {
        return new Broker.Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, type, properties(messageId, Map.of()),
                event(type, messageId, bookingId, paymentId, AMOUNT_CENTS));
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
