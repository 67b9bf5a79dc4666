package io.seatbooking.reliability.hostile;

import static io.seatbooking.support.Api.heldBooking;
import static io.seatbooking.support.Db.bookingStatus;
import static io.seatbooking.support.Db.value;
import static io.seatbooking.support.Db.values;
import static io.seatbooking.support.PaymentMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Broker;
import io.seatbooking.support.Broker.Outgoing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Property-based malformed AMQP messages on both routing keys of the {@code payments}
 * exchange: random bytes, bad JSON, wrong types, missing and odd properties, huge bodies. The
 * properties: every one is parked exactly once (a {@code dead_letter} row, found by the run's
 * marker header), and the consumer keeps going (a valid payment published behind them confirms
 * its booking). None of them can be a valid payment: a well-formed one names a booking that does
 * not exist, which is poison too ({@code unknown-booking}).
 *
 * <p>jqwik drives the generation programmatically with a fixed seed, as in {@link HttpFuzzTest};
 * {@code -Dhostile.seed}, {@code -Dhostile.amqp.messages} (default 400) change seed and count.
 */
@QuarkusTest
class AmqpFuzzTest {

    private static final long SEED = Long.getLong("hostile.seed", 20261122L);
    private static final int MESSAGES = Integer.getInteger("hostile.amqp.messages", 400);
    private static final String MARKER = "x-fuzz-run";

    /** One generated message: routing key, properties (apart from the marker) and body. */
    record Message(String routingKey, String messageId, String contentType, String type, Map<String, Object> headers,
            byte[] body) {
    }

    @Test
    void everyMalformedMessageIsParkedOnceAndTheConsumerKeepsGoing() {
        long started = System.nanoTime();
        String run = "amqp-fuzz-" + UUID.randomUUID();
        System.out.printf("AMQP fuzz: seed=%d messages=%d run=%s%n", SEED, MESSAGES, run);
        List<Outgoing> outgoing = new ArrayList<>();
        Map<String, Integer> byRoutingKey = new TreeMap<>();
        JqwikSession.start();
        try {
            RandomGenerator<Message> generator = messages().generator(1000);
            Random random = new Random(SEED);
            for (int i = 0; i < MESSAGES; i++) {
                Message m = generator.next(random).value();
                Map<String, Object> headers = new HashMap<>(m.headers());
                headers.put(MARKER, run);
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(m.messageId())
                        .contentType(m.contentType()).type(m.type()).deliveryMode(2).headers(headers).build();
                outgoing.add(new Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, m.routingKey(), properties, m.body()));
                byRoutingKey.merge(m.routingKey(), 1, Integer::sum);
            }
        } finally {
            JqwikSession.finish();
        }

        Broker.publish(outgoing);
        String booking = heldBooking();
        publish(PaymentsTopology.PAYMENT_SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        String ofRun = "FROM dead_letter WHERE headers ->> '" + MARKER + "' = ?";
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Long.parseLong(value("SELECT count(*) " + ofRun, run)) >= MESSAGES);
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(bookingStatus(booking)));

        long parked = Long.parseLong(value("SELECT count(*) " + ofRun, run));
        Map<String, String> byReason = new TreeMap<>();
        values("SELECT reason || '=' || count(*) " + ofRun + " GROUP BY reason", run)
                .forEach(row -> byReason.put(row.split("=")[0], row.split("=")[1]));
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        Figures.print(String.format("property=amqp-fuzz seed=%d published=%d byRoutingKey=%s parked=%d byReason=%s "
                + "validPaymentAfterwardsConfirmed=true wallSeconds=%d", SEED, MESSAGES, byRoutingKey, parked, byReason,
                seconds));
        assertThat(parked).as("parked exactly once each").isEqualTo(MESSAGES);
        assertThat(values("SELECT DISTINCT status " + ofRun, run)).containsExactly("PARKED");
    }

    static Arbitrary<Message> messages() {
        Arbitrary<String> routingKeys = Arbitraries.of(PaymentsTopology.PAYMENT_SUCCEEDED, PaymentsTopology.PAYMENT_FAILED);
        Arbitrary<String> messageIds = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.create(() -> "fuzz-" + UUID.randomUUID())),
                Tuple.of(2, Arbitraries.just((String) null)),
                Tuple.of(1, Arbitraries.of("", " ", "x".repeat(255), "\u00e4\u00f6\u00fc-id")));
        Arbitrary<String> contentTypes = Arbitraries.of("<none>", "application/cloudevents+json", "application/json",
                "text/plain", "application/octet-stream", "application/json; charset=utf-16", "garbage/\u00ff", "").map(AmqpFuzzTest::none);
        Arbitrary<String> types = Arbitraries.of("<none>", "payment.succeeded", "payment.failed", "payment.refunded", "",
                "x".repeat(255)).map(AmqpFuzzTest::none);
        Arbitrary<Map<String, Object>> headers = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Map.<String, Object> of())),
                Tuple.of(1, Arbitraries.of(
                        Map.<String, Object> of("x-attempts", "many"),
                        Map.<String, Object> of("x-attempts", -7),
                        Map.<String, Object> of("x-attempts", 99_999),
                        Map.<String, Object> of("x-original-message-id", ""),
                        Map.<String, Object> of("x-original-message-id", "y".repeat(300)), // headers are long strings: no 255 limit
                        Map.<String, Object> of("x-original-exchange", "nowhere", "x-original-routing-key", "#"),
                        Map.<String, Object> of("x-dead-letter-id", 42),
                        Map.<String, Object> of("x-death", "not a list"),
                        Map.<String, Object> of("x-failure-reason", "\u0000"))));
        return Combinators.combine(routingKeys, messageIds, contentTypes, types, headers, bodies())
                .as(Message::new);
    }

    private static Arbitrary<byte[]> bodies() {
        Arbitrary<String> uuid = Arbitraries.create(() -> UUID.randomUUID().toString());
        Arbitrary<Object> anyValue = HttpRequests.jsonValues();
        Arbitrary<byte[]> wrongTypes = Combinators.combine(Arbitraries.of("payment.succeeded", "payment.failed"),
                Arbitraries.of("bookingId", "paymentId", "amountCents", "data", "type", "id"), anyValue, uuid)
                .as((type, field, value, bookingId) -> {
                    Map<String, Object> data = new java.util.LinkedHashMap<>();
                    data.put("bookingId", bookingId);
                    data.put("paymentId", "pay-1");
                    data.put("amountCents", 4200);
                    Map<String, Object> event = new java.util.LinkedHashMap<>();
                    event.put("specversion", "1.0");
                    event.put("id", "ce-" + bookingId);
                    event.put("type", type);
                    event.put("data", data);
                    if (data.containsKey(field)) {
                        data.put(field, value);
                    } else {
                        event.put(field, value);
                    }
                    return HttpRequests.Json.write(event, null).getBytes(StandardCharsets.UTF_8);
                });
        Arbitrary<byte[]> missing = Combinators.combine(Arbitraries.of("bookingId", "paymentId", "amountCents", "data", "type"),
                uuid).as((field, bookingId) -> ("{\"type\":\"payment.succeeded\",\"id\":\"ce-" + bookingId + "\",\"data\":"
                        + "{\"bookingId\":\"" + bookingId + "\",\"paymentId\":\"p\",\"amountCents\":1}}")
                        .replaceFirst("\"" + field + "\":(\\{[^}]*\\}|\"[^\"]*\"|[0-9]+),?", "")
                        .getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(3000)),
                Tuple.of(2, Arbitraries.strings().ofMaxLength(300).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(4, wrongTypes),
                Tuple.of(2, missing),
                Tuple.of(1, anyValue.map(v -> HttpRequests.Json.write(v, null).getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(0, 1_000, 20_000).map(depth -> ("[".repeat(depth) + "]".repeat(depth))
                        .getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(262_145, 400_000).map(n -> ("{\"type\":\"payment.succeeded\",\"pad\":\""
                        + "x".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(new byte[] { (byte) 0xC3, 0x28 }, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 })
                        .map(bad -> concat("{\"type\":\"payment.failed\",\"id\":\"".getBytes(StandardCharsets.UTF_8), bad,
                                "\",\"data\":{}}".getBytes(StandardCharsets.UTF_8)))));
    }

    private static String none(String value) {
        return "<none>".equals(value) ? null : value;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
