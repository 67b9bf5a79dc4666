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
        @Size(min = 1, max = 200) String reason,
        @Size(min = 1, max = 255) String messageType,
        @Size(min = 1, max = 255) String routingKey,
        Instant from,
        Instant to) {

    LetterFilter filter() {
        return new LetterFilter(group, reason, messageType, routingKey, from, to);
    }
}
