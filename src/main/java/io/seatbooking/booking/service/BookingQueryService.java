package io.seatbooking.booking.service;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.BookingOutcome.BookingNotFound;
import io.seatbooking.booking.BookingOutcome.InvalidListing;
import io.seatbooking.booking.BookingPage;
import io.seatbooking.booking.Paging;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.repository.BookingQueryRepository;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Reads bookings for their owners and for admins. A customer never learns that another
 * customer's booking exists: it is simply not found.
 */
@Singleton
public class BookingQueryService {

    private final BookingQueryRepository bookings;
    private final BookingConfig config;

    public BookingQueryService(BookingQueryRepository bookings, BookingConfig config) {
        this.bookings = bookings;
        this.config = config;
    }

    /** The booking; {@link BookingNotFound} if there is none or the caller may not see it. */
    @WithSession
    public Uni<Booking> get(Caller caller, UUID bookingId) {
        return bookings.findById(bookingId).map(booking -> {
            if (booking == null || !caller.mayActFor(booking.customerId)) {
                throw new BookingNotFound(bookingId);
            }
            return booking;
        });
    }

    /**
     * A page of the caller's bookings (all bookings for an admin), newest first.
     *
     * @param page zero-based page number
     * @param size page size, or null for the default; at most booking.listing.max-page-size
     * @throws InvalidListing for a negative page, a size out of range, or a page whose first item
     *         lies beyond the largest offset ({@link Integer#MAX_VALUE})
     */
    @WithSession
    public Uni<BookingPage> list(Caller caller, UUID showId, BookingStatus status, int page, Integer size) {
        int pageSize = Paging.checked(page, size, config.listing());
        return bookings.page(caller.admin() ? null : caller.id(), showId, status, page, pageSize);
    }
}
