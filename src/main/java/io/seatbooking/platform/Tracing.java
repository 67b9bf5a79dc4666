package io.seatbooking.platform;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** W3C trace context of the current span, for events that must carry the trace onwards. */
public final class Tracing {

    private Tracing() {
    }

    /** The {@code traceparent} of the current span, or null when no span is being recorded. */
    public static String currentTraceparent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }
}
