package io.seatbooking.booking.rest;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/shows}: the seats either listed ({@code seats}) or generated from
 * {@code rows} and {@code seatsPerRow}.
 */
public record CreateShowRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters")
        String title,
        @NotNull Instant startsAt,
        List<@NotNull @Pattern(regexp = SEAT_LABEL, message = "must be 1-16 letters, digits, '-' or '_'") String> seats,
        @Size(max = 200) List<@NotNull @Pattern(regexp = ROW_LABEL, message = "must be 1-4 letters or digits") String> rows,
        @Min(1) @Max(1000) Integer seatsPerRow) {

    static final String SEAT_LABEL = "[A-Za-z0-9][A-Za-z0-9_-]{0,15}";
    static final String ROW_LABEL = "[A-Za-z0-9]{1,4}";
    /** Free text without control characters (PostgreSQL text cannot even store NUL). */
    static final String PRINTABLE = "[^\\p{Cntrl}]*";
}
