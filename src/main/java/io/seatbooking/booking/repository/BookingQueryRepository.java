package io.seatbooking.booking.repository;

import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingPage;
import io.seatbooking.booking.BookingStatus;
import io.smallrye.mutiny.Uni;

/**
 * Reads and lists bookings through Hibernate Reactive. Listings are newest first and are served
 * by the (customer_id|show_id, created_at, id) indexes.
 */
@Singleton
public class BookingQueryRepository implements PanacheRepositoryBase<Booking, UUID> {

    /**
     * One page of bookings matching every given filter; a null filter does not restrict.
     *
     * @param customerId only this customer's bookings, or null for everyone's
     */
    public Uni<BookingPage> page(String customerId, UUID showId, BookingStatus status, int page, int size) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (customerId != null) {
            query.append(" and customerId = :customerId");
            params.and("customerId", customerId);
        }
        if (showId != null) {
            query.append(" and showId = :showId");
            params.and("showId", showId);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        Sort newestFirst = Sort.descending("createdAt", "id");
        return find(query.toString(), newestFirst, params).page(Page.of(page, size)).list()
                .chain(items -> count(query.toString(), params)
                        .map(total -> new BookingPage(items, page, size, total)));
    }
}
