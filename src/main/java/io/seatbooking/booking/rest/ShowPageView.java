package io.seatbooking.booking.rest;

import java.time.Instant;
import java.util.List;

import io.seatbooking.booking.ShowPage;

/** A page of the show catalogue as the API returns it. */
public record ShowPageView(List<ShowView> items, int page, int size, long totalItems, long totalPages) {

    static ShowPageView of(ShowPage page, Instant now) {
        long totalPages = (page.totalItems() + page.size() - 1) / page.size();
        return new ShowPageView(page.items().stream().map(show -> ShowView.inCatalogue(show, now)).toList(),
                page.page(), page.size(), page.totalItems(), totalPages);
    }
}
