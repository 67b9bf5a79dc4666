package io.seatbooking.web;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * The times of the API are RFC 3339 date-times (the OpenAPI document's {@code date-time}): text,
 * never a number of epoch seconds nor an empty text, with a year from 0000 to 9999. Jackson would also read a
 * number, and a year such as +10000 that no RFC 3339 parser reads back (and that PostgreSQL may
 * not store). Bodies read times through {@link #DESERIALIZER}, query parameters through
 * {@link #check}.
 */
public final class RfcInstants {

    /** The first instant after the year 9999. */
    public static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");
    /** The first instant of the year 0000. */
    public static final Instant START = Instant.parse("0000-01-01T00:00:00Z");

    /** Reads a body's time: text only, within the years 0000 to 9999. */
    public static final StdScalarDeserializer<Instant> DESERIALIZER = new StdScalarDeserializer<>(Instant.class) {
        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            if (parser.getText().isBlank()) {
                // Jackson reads "" and " " as null; the document has no empty date-time (null is JSON null)
                return (Instant) context.handleWeirdStringValue(Instant.class, parser.getText(),
                        "a date-time is not empty");
            }
            Instant instant;
            try {
                // Instant.parse, not Jackson's InstantDeserializer: that one reads a text of digits ("3") as
                // epoch seconds
                instant = Instant.parse(parser.getText());
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, parser.getText(),
                        "a date-time is RFC 3339 text such as 2026-01-31T12:00:00Z");
            }
            if (!inRange(instant)) {
                return (Instant) context.handleWeirdStringValue(Instant.class, parser.getText(),
                        "a date-time has a year from 0000 to 9999");
            }
            return instant;
        }
    };

    private RfcInstants() {
    }

    /** Whether {@code instant} has a year from 0000 to 9999 (null is not checked). */
    public static boolean inRange(Instant instant) {
        return instant == null || !instant.isBefore(START) && instant.isBefore(END);
    }
}
