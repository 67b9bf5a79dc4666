package io.seatbooking.booking.rest;

import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.seatbooking.booking.NewShow;
import io.seatbooking.booking.PriceCategory;

/**
 * Body of {@code POST /api/shows}: the seats either listed ({@code seats}) or generated from
 * {@code rows} and {@code seatsPerRow}; optionally a sales window, a currency (default EUR) and
 * price categories (default: every seat "standard" at 0).
 */
public record CreateShowRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters")
        String title,
        @NotNull Instant startsAt,
        List<@NotNull @Pattern(regexp = SEAT_LABEL, message = "must be 1-16 letters, digits, '-' or '_'") String> seats,
        @Size(max = 200) List<@NotNull @Pattern(regexp = ROW_LABEL, message = "must be 1-4 letters or digits") String> rows,
        @Min(1) @Max(1000) Integer seatsPerRow,
        Instant salesStart,
        Instant salesEnd,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency,
        @Size(max = 100) List<@NotNull @Valid PriceCategoryRequest> priceCategories) {

    /** One price category of the new show (see SeatPrices for which seats it takes). */
    public record PriceCategoryRequest(
            @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 _-]{0,39}", message = "must be 1-40 letters, digits, ' ', '-' or '_'")
            String name,
            @NotNull @Min(0) @Max(100_000_000) Long priceCents,
            @Size(max = 10000) List<@NotNull @Pattern(regexp = SEAT_LABEL, message = "must be 1-16 letters, digits, '-' or '_'") String> seats,
            @Size(max = 200) List<@NotNull @Pattern(regexp = ROW_LABEL, message = "must be 1-4 letters or digits") String> rows) {
    }

    NewShow toNewShow() {
        return new NewShow(title, startsAt, seats, rows, seatsPerRow, salesStart, salesEnd, currency,
                priceCategories == null ? null : priceCategories.stream()
                        .map(c -> new PriceCategory(c.name(), c.priceCents(), c.seats(), c.rows())).toList());
    }

    static final String SEAT_LABEL = "[A-Za-z0-9][A-Za-z0-9_-]{0,15}";
    static final String ROW_LABEL = "[A-Za-z0-9]{1,4}";
    /** Free text without control characters (PostgreSQL text cannot even store NUL). */
    static final String PRINTABLE = "[^\\p{Cntrl}]*";
}
