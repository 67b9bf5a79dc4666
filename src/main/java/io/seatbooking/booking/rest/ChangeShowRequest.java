package io.seatbooking.booking.rest;

import java.time.Instant;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.seatbooking.booking.ShowChange;

/** Body of {@code PATCH /api/shows/{id}}: the members to change; absent or null ones stay. */
public record ChangeShowRequest(
        @Size(min = 1, max = 200) @Pattern(regexp = CreateShowRequest.PRINTABLE, message = "must not contain control characters")
        String title,
        Instant startsAt,
        Instant salesStart,
        Instant salesEnd) {

    ShowChange toChange() {
        return new ShowChange(title, startsAt, salesStart, salesEnd);
    }
}
