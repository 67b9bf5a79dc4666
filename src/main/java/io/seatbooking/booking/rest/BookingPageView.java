package io.seatbooking.booking.rest;

import java.util.List;

import io.seatbooking.booking.BookingPage;
import io.seatbooking.booking.BookingView;

/** A page of bookings as the API returns it. */
public record BookingPageView(List<BookingView> items, int page, int size, long totalItems, long totalPages) {

    static BookingPageView of(BookingPage page) {
        long totalPages = (page.totalItems() + page.size() - 1) / page.size();
        return new BookingPageView(page.items().stream().map(BookingView::of).toList(), page.page(), page.size(),
                page.totalItems(), totalPages);
    }
}
