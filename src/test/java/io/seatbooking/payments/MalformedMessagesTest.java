package io.seatbooking.payments;

import static io.seatbooking.support.Api.heldBooking;
import static io.seatbooking.support.Db.bookingStatus;
import static io.seatbooking.support.Db.value;
import static io.seatbooking.support.Db.values;
import static io.seatbooking.support.PaymentMessages.properties;
import static io.seatbooking.support.PaymentMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Broker;
import io.seatbooking.support.Broker.Outgoing;

/** A flood of malformed messages: each is parked once, and the consumer keeps consuming. */
@QuarkusTest
class MalformedMessagesTest {

    private static final int ROUNDS = 25;

    /** One kind of malformed message: its expected reason and how to make it from a marker. */
    private record Kind(String reason, boolean withMessageId, Function<String, byte[]> body) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("unparseable", true, m -> utf8("{\"type\":\"payment.succeeded\",\"marker\":\"" + m + "\", ")),
            new Kind("unparseable", false, m -> utf8("[\"" + m + "\"]")),
            new Kind("unparseable", true, m -> {
                // Binary garbage around the marker.
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] noise = new byte[64];
                new Random(m.hashCode()).nextBytes(noise);
                out.writeBytes(noise);
                out.writeBytes(utf8(m));
                out.writeBytes(noise);
                return out.toByteArray();
            }),
            new Kind("unparseable", true, m -> utf8("{\"marker\":\"" + m + "\",\"deep\":" + "[".repeat(5000)
                    + "]".repeat(5000) + "}")),
            new Kind("too-large", true, m -> utf8("{\"marker\":\"" + m + "\",\"pad\":\"" + "x".repeat(300_000) + "\"}")),
            new Kind("missing-fields", false, m -> utf8("{\"marker\":\"" + m + "\"}")),
            new Kind("unknown-type", true, m -> utf8("{\"type\":\"payment.refunded\",\"id\":\"" + m + "\"}")),
            new Kind("invalid-fields", true, m -> utf8("{\"type\":\"payment.succeeded\",\"id\":\"" + m
                    + "\",\"data\":{\"bookingId\":12345,\"paymentId\":true,\"amountCents\":\"lots\"}}")),
            new Kind("invalid-fields", true, m -> utf8("{\"type\":\"payment.succeeded\",\"id\":\"" + m
                    + "\",\"data\":{\"bookingId\":\"" + UUID.randomUUID()
                    + "\",\"paymentId\":\"p\",\"amountCents\":-5}}")),
            new Kind("invalid-fields", true, m -> utf8("{\"type\":\"payment.failed\",\"id\":\"" + m
                    + "\",\"data\":\"not an object\"}")),
            new Kind("missing-fields", true, m -> utf8("{\"type\":\"payment.succeeded\",\"id\":\"" + m
                    + "\",\"data\":{\"paymentId\":\"p\",\"amountCents\":1}}")),
            // A well-formed payment with neither a message-id nor a CloudEvent id.
            new Kind("missing-message-id", false, m -> utf8("{\"type\":\"payment.succeeded\",\"marker\":\"" + m
                    + "\",\"data\":{\"bookingId\":\"" + UUID.randomUUID() + "\",\"paymentId\":\"p\",\"amountCents\":1}}")),
            new Kind("unknown-booking", true, m -> utf8("{\"type\":\"payment.succeeded\",\"id\":\"" + m
                    + "\",\"data\":{\"bookingId\":\"" + UUID.randomUUID() + "\",\"paymentId\":\"p\",\"amountCents\":1}}")));

    @Test
    void hundredsOfMalformedMessagesAreEachParkedAndTheConsumerKeepsConsuming() {
        String run = "flood-" + UUID.randomUUID();
        List<Outgoing> messages = new ArrayList<>();
        Map<String, Long> expected = new java.util.TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < KINDS.size(); k++) {
                Kind kind = KINDS.get(k);
                String marker = run + "-" + round + "-" + k;
                // Missing headers: no properties at all (no message-id, content type or headers).
                AMQP.BasicProperties properties = kind.withMessageId() ? properties(marker, Map.of("run", run)) : null;
                String routingKey = round % 2 == 0 ? PaymentsTopology.PAYMENT_SUCCEEDED : PaymentsTopology.PAYMENT_FAILED;
                messages.add(new Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, routingKey, properties,
                        kind.body().apply(marker)));
                expected.merge(kind.reason(), 1L, Long::sum);
            }
        }
        assertThat(messages).hasSizeGreaterThanOrEqualTo(300);

        Broker.publish(messages);
        // A good payment behind the flood is still applied.
        String booking = heldBooking();
        publish(PaymentsTopology.PAYMENT_SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        String parkedOfRun = "FROM dead_letter WHERE position(convert_to(?, 'UTF8') in payload) > 0";
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Long.parseLong(value("SELECT count(*) " + parkedOfRun, run)) >= messages.size());
        await().atMost(Duration.ofSeconds(20)).until(() -> "CONFIRMED".equals(bookingStatus(booking)));

        // Each one parked exactly once, with the reason its defect calls for, at its first attempt.
        assertThat(value("SELECT count(*) " + parkedOfRun, run)).isEqualTo(String.valueOf(messages.size()));
        Map<String, Long> byReason = new java.util.TreeMap<>();
        values("SELECT reason || '=' || count(*) " + parkedOfRun + " GROUP BY reason", run)
                .forEach(row -> byReason.put(row.split("=")[0], Long.parseLong(row.split("=")[1])));
        assertThat(byReason).isEqualTo(expected);
        assertThat(values("SELECT DISTINCT attempts::text || ' ' || status " + parkedOfRun, run))
                .containsExactly("1 PARKED");
    }
}
