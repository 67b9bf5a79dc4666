package io.seatbooking.platform;

import java.util.Collection;

import jakarta.inject.Singleton;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * Keeps spans in the process when {@code tracing.export.enabled=false} (development, tests):
 * spans, and the traceparent of events, still exist, but nothing tries to reach a collector.
 * Quarkus uses a SpanExporter bean, when one can be looked up, instead of its OTLP exporter.
 */
@Singleton
@LookupIfProperty(name = "tracing.export.enabled", stringValue = "false")
public class NoSpanExport implements SpanExporter {

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
