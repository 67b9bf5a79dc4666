package io.seatbooking.web;

import java.time.Instant;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Request bodies must use the JSON type a field has: {@code "seatsPerRow": "3"}, {@code 1.5} or
 * {@code true} for a number, and {@code 42} for a text or an enum, are a {@code 400 malformed-request}
 * instead of being converted (Jackson's default would accept them, and silently turn 1.5 into 1).
 * Times must be RFC 3339 text (RfcInstants). Applies to the whole API (docs/api.md, "Errors").
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** Last, after Quarkus's own modules (JavaTimeModule): its Instant deserializer must win. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        // an enum is one of its names; Jackson would also read a number as the constant's ordinal (0 = REPLAY)
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        for (LogicalType scalar : new LogicalType[] { LogicalType.Integer, LogicalType.Float, LogicalType.Boolean }) {
            mapper.coercionConfigFor(scalar)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        // Times are RFC 3339 text with a year from 0000 to 9999, never epoch numbers (RfcInstants).
        mapper.registerModule(new SimpleModule("rfc-3339-instants").addDeserializer(Instant.class,
                RfcInstants.DESERIALIZER));
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
}
