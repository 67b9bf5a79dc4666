package io.seatbooking.outbox.relay;

import java.util.HashMap;
import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * A PRODUCER span per published message, child of the trace that wrote the row (its stored
 * {@code traceparent}), so that a trace runs from the HTTP request through the broker. The
 * message carries the publish span's own context, for the consumer's span to continue from.
 */
public final class PublishTracing {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Map<String, Object>> FROM_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
            Object value = carrier == null ? null : carrier.get(key);
            return value == null ? null : value.toString();
        }
    };

    private static final TextMapSetter<Map<String, Object>> INTO_HEADERS = (carrier, key, value) -> carrier.put(key,
            value);

    private final Tracer tracer;

    public PublishTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Starts the publish span of {@code row}. Its attributes are set once it is known to be
     * recorded: most publish spans are not (the sampler keeps a share of root traces), and the
     * sampler configured here decides on the parent and the trace id alone.
     */
    public Span start(OutboxRow row) {
        Context parent = W3C.extract(Context.root(), row.headers(), FROM_HEADERS);
        Span span = tracer.spanBuilder(row.exchange() + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .startSpan();
        if (span.isRecording()) {
            span.setAttribute("messaging.system", "rabbitmq")
                    .setAttribute("messaging.operation.type", "publish")
                    .setAttribute("messaging.destination.name", row.exchange())
                    .setAttribute("messaging.rabbitmq.destination.routing_key", row.routingKey())
                    .setAttribute("messaging.message.id", row.eventId().toString());
        }
        return span;
    }

    /** The row's headers, with the trace context replaced by the publish span's. */
    public Map<String, Object> headers(Span span, Map<String, Object> rowHeaders) {
        Map<String, Object> headers = new HashMap<>(rowHeaders);
        if (span.getSpanContext().isValid()) {
            W3C.inject(Context.root().with(span), headers, INTO_HEADERS);
        }
        return headers;
    }

    /** Ends the span as the broker answered. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
    }
}
