package io.seatbooking.deadletter.rest;

import java.time.Instant;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.deadletter.BulkJob;
import io.seatbooking.deadletter.LetterFilter;

/**
 * A bulk action on the PARKED letters matching a filter (at least one member).
 *
 * @param action REPLAY or DISCARD
 * @param group a failure fingerprint (16 hex digits)
 */
@RegisterForReflection
public record BulkRequest(
        @NotNull BulkJob.Action action,
        @Pattern(regexp = "[0-9a-f]{16}") String group,
        @Size(min = 1, max = 200) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String reason,
        @Size(min = 1, max = 255) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String messageType,
        @Size(min = 1, max = 255) @Pattern(regexp = NO_NUL, message = NUL_MESSAGE) String routingKey,
        Instant from,
        Instant to) {

    /**
     * Any text but NUL, which PostgreSQL text cannot hold (other control characters may be in a parked
     * message's type or routing key, which came from the broker, and must stay findable).
     */
    static final String NO_NUL = "[^\\u0000]*";
    static final String NUL_MESSAGE = "must not contain a NUL character";

    LetterFilter filter() {
        return new LetterFilter(group, reason, messageType, routingKey, from, to);
    }
}
