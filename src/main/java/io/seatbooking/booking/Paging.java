package io.seatbooking.booking;

import io.seatbooking.booking.BookingOutcome.InvalidListing;

/** The page rules every listing of shows and bookings follows (docs/api.md, "Listings"). */
public final class Paging {

    private Paging() {
    }

    /**
     * The page size to use, after checking the page and size asked for.
     *
     * @param page zero-based page number
     * @param size the size asked for, or null for the default
     * @throws InvalidListing for a negative page, a size outside 1 to the maximum, or a page whose
     *         first item lies beyond the largest offset ({@link Integer#MAX_VALUE})
     */
    public static int checked(int page, Integer size, BookingConfig.Listing config) {
        int max = config.maxPageSize();
        int pageSize = size == null ? config.defaultPageSize() : size;
        if (page < 0 || pageSize < 1 || pageSize > max) {
            throw new InvalidListing("page must be 0 or more and size between 1 and " + max + ".");
        }
        if ((long) page * pageSize > Integer.MAX_VALUE - pageSize) {
            throw new InvalidListing("page x size must stay below " + Integer.MAX_VALUE + ".");
        }
        return pageSize;
    }
}
