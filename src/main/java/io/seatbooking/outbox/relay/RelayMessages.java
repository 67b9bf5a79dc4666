package io.seatbooking.outbox.relay;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletionException;

import com.rabbitmq.client.AMQP;

import io.opentelemetry.api.trace.Span;
import io.seatbooking.messaging.ConfirmingPublisher.FailureKind;
import io.seatbooking.messaging.ConfirmingPublisher.Outgoing;
import io.seatbooking.messaging.ConfirmingPublisher.PublishFailure;

/**
 * The relay's messages: each built from its row exactly as it goes on the wire, published in a
 * PRODUCER span that continues the trace which wrote the row, and its outcome recorded in that
 * span and in the relay's meters.
 */
final class RelayMessages {

    /** A message in flight: when its row was written, when it was sent (monotonic), its span. */
    record Sent(Instant createdAt, long publishedAtNanos, Span span) {
    }

    private final PublishTracing tracing;
    private final RelayMetrics metrics;
    private final InstantSource clock;

    RelayMessages(PublishTracing tracing, RelayMetrics metrics, InstantSource clock) {
        this.tracing = tracing;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Starts the publish of {@code row}, sent at {@code nowNanos}: its span begins. */
    Sent start(OutboxRow row, long nowNanos) {
        return new Sent(row.createdAt(), nowNanos, tracing.start(row));
    }

    /**
     * The message of {@code row}: persistent, message id = event id, its type, content type,
     * the time the row was written, and the row's headers with the publish span's trace context.
     */
    Outgoing message(OutboxRow row, Sent sent) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(row.eventId().toString())
                .type(row.eventType())
                .contentType(row.contentType())
                .timestamp(Date.from(row.createdAt()))
                .deliveryMode(2)
                .appId("seat-booking")
                .headers(tracing.headers(sent.span(), row.headers()))
                .build();
        return new Outgoing(row.exchange(), row.routingKey(), properties, row.payload());
    }

    /** The broker confirmed these messages, learnt together: one reading of the clocks for all. */
    void confirmed(List<Sent> confirmed) {
        long nowNanos = System.nanoTime();
        Instant now = clock.instant();
        for (Sent sent : confirmed) {
            PublishTracing.end(sent.span(), null);
            metrics.confirmed(nowNanos - sent.publishedAtNanos(), sent.createdAt(), now);
        }
        metrics.published(confirmed.size());
    }

    /** The message was not confirmed ({@link #cause}); with {@code retried}, its row stays pending for this relay. */
    void failed(Sent sent, Throwable cause, boolean retried) {
        PublishTracing.end(sent.span(), cause);
        metrics.failed(cause instanceof PublishFailure failure ? failure.kind() : FailureKind.CONNECTION_LOST);
        if (retried) {
            metrics.retried();
        }
    }

    /** Why a publish failed, out of the future's wrapper. */
    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
