package io.seatbooking.messaging;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A CloudEvents 1.0 event in structured JSON mode ({@code application/cloudevents+json}), as this
 * service publishes it on {@code booking.events}.
 *
 * <p>{@code sequence} follows the CloudEvents sequence extension: a string whose lexicographic
 * order is the order of the subject's changes. It is the aggregate's version, zero-padded to 19
 * digits so that a plain string comparison orders it. {@code traceparent} is the W3C trace
 * context of the transaction that wrote the event (distributed tracing extension).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "sequence",
        "traceparent", "data" })
public record CloudEvent<T>(
        String specversion,
        UUID id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        String sequence,
        String traceparent,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final String DATA_CONTENT_TYPE = "application/json";

    /** Formats an aggregate version as a CloudEvents {@code sequence} value. */
    public static String sequenceOf(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
        // Zero-padded to 19 digits (Long.MAX_VALUE has 19); not String.format, which parses its
        // pattern on every call, for every event.
        String digits = Long.toString(version);
        return "0".repeat(19 - digits.length()) + digits;
    }
}
