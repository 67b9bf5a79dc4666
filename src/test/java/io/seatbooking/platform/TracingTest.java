package io.seatbooking.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.support.Api;
import io.seatbooking.support.EventCollector;
import io.seatbooking.support.PaymentMessages;

/**
 * One trace from the HTTP request that holds seats, through the outbox and the broker, into the
 * payments consumer and out again: the hold's request span, the relay's publish of
 * booking.held, the consumer's span for the payment that answers it (the test plays the payments
 * service and forwards the trace context it received), and the publish of booking.confirmed.
 */
@QuarkusTest
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aBookingIsOneTraceFromTheRequestThroughTheBrokerIntoTheConsumerAndOut() throws Exception {
        try (EventCollector events = EventCollector.bookingEvents("booking.*")) {
            String booking = Api.heldBooking();
            await().atMost(Duration.ofSeconds(20)).until(() -> !events.about(booking).isEmpty());
            EventCollector.Received held = events.about(booking).get(0);
            String traceparent = String.valueOf(held.properties().getHeaders().get("traceparent"));
            String traceId = traceparent.split("-")[1];

            // The payments service answers within the same trace.
            String messageId = UUID.randomUUID().toString();
            PaymentMessages.publish("payment.succeeded",
                    PaymentMessages.properties(messageId, Map.of("traceparent", traceparent)),
                    PaymentMessages.paying("payment.succeeded", messageId, booking, "pay-traced"));
            await().atMost(Duration.ofSeconds(20)).until(() -> events.about(booking).size() >= 2);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<SpanData> trace = spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getTraceId().equals(traceId)).toList();
                SpanData request = one(trace, s -> s.getKind() == SpanKind.SERVER
                        && s.getName().contains("/api/bookings"));
                List<SpanData> publishes = trace.stream().filter(s -> s.getKind() == SpanKind.PRODUCER
                        && s.getName().equals("booking.events publish")).toList();
                SpanData heldPublish = one(publishes, s -> s.getParentSpanId().equals(request.getSpanId()));
                SpanData consume = one(trace, s -> s.getKind() == SpanKind.CONSUMER
                        && s.getParentSpanId().equals(heldPublish.getSpanId()));
                // booking.confirmed is published within the consumer's part of the trace.
                SpanData confirmedPublish = one(publishes, s -> s != heldPublish);
                assertThat(ancestors(trace, confirmedPublish)).contains(consume.getSpanId());
            });
        }
    }

    private static SpanData one(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
        List<SpanData> found = spans.stream().filter(which).toList();
        assertThat(found).as("spans: " + spans.stream().map(s -> s.getKind() + " " + s.getName()).toList())
                .hasSize(1);
        return found.get(0);
    }

    private static List<String> ancestors(List<SpanData> trace, SpanData span) {
        java.util.List<String> chain = new java.util.ArrayList<>();
        String parent = span.getParentSpanId();
        while (parent != null && !parent.equals("0000000000000000")) {
            chain.add(parent);
            String current = parent;
            parent = trace.stream().filter(s -> s.getSpanId().equals(current)).map(SpanData::getParentSpanId)
                    .findFirst().orElse(null);
        }
        return chain;
    }
}
