package io.seatbooking.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.seatbooking.booking.BookingOutcome.InvalidListing;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;

/** The pure rules of shows: status, times, prices, paging. */
class ShowRulesTest {

    private static final Instant START = Instant.parse("2031-01-01T20:00:00Z");

    @Test
    void statusFollowsTheSalesWindowTheStartAndTheCancellation() {
        Show show = show(Instant.parse("2030-12-01T00:00:00Z"), Instant.parse("2031-01-01T18:00:00Z"), null);
        assertThat(show.status(Instant.parse("2030-11-30T23:59:59Z"))).isEqualTo(ShowStatus.SCHEDULED);
        assertThat(show.status(Instant.parse("2030-12-01T00:00:00Z"))).isEqualTo(ShowStatus.ON_SALE);
        assertThat(show.status(Instant.parse("2031-01-01T18:00:00Z"))).isEqualTo(ShowStatus.OVER);
        assertThat(show(null, null, null).status(START.minusSeconds(1))).isEqualTo(ShowStatus.ON_SALE);
        assertThat(show(null, null, null).status(START)).isEqualTo(ShowStatus.OVER);
        assertThat(show(null, null, START.minusSeconds(99)).status(START.minusSeconds(9))).isEqualTo(ShowStatus.CANCELLED);
    }

    @Test
    void timesMustStartInTheFutureWithAWindowBeforeTheStart() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        ShowTimes.check(START, null, null, now);
        ShowTimes.check(START, now, START, now);
        assertThatThrownBy(() -> ShowTimes.check(now, null, null, now)).isInstanceOf(InvalidRequest.class)
                .extracting("field").isEqualTo("startsAt");
        assertThatThrownBy(() -> ShowTimes.check(START, START, null, now)).extracting("field").isEqualTo("salesStart");
        assertThatThrownBy(() -> ShowTimes.check(START, null, START.plusSeconds(1), now)).extracting("field")
                .isEqualTo("salesEnd");
        assertThatThrownBy(() -> ShowTimes.check(START, now.plusSeconds(9), now.plusSeconds(9), now))
                .extracting("field").isEqualTo("salesEnd");
    }

    @Test
    void withoutCategoriesEverySeatIsStandardAtZero() {
        assertThat(SeatPrices.assign(List.of("A1", "A2"), null)).extracting(Seat::category, Seat::priceCents)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("standard", 0L));
    }

    @Test
    void seatsThenRowsThenTheRestDecideTheCategory() {
        List<Seat> seats = SeatPrices.assign(List.of("A1", "A2", "AA1", "B1"), List.of(
                new PriceCategory("box", 9000, List.of("A2"), null),
                new PriceCategory("front", 6000, null, List.of("A")),
                new PriceCategory("rest", 3000, null, null)));
        assertThat(seats).extracting(Seat::category).containsExactly("front", "box", "rest", "rest");
        assertThat(seats).extracting(Seat::priceCents).containsExactly(6000L, 9000L, 3000L, 3000L);
    }

    @Test
    void categoriesMustPriceEverySeatExactlyOnce() {
        assertThatThrownBy(() -> SeatPrices.assign(List.of("A1", "B1"),
                List.of(new PriceCategory("front", 1, null, List.of("A")))))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("B1");
        assertThatThrownBy(() -> SeatPrices.assign(List.of("A1"), List.of(new PriceCategory("x", 1, null, null),
                new PriceCategory("x", 2, List.of("A1"), null)))).hasMessageContaining("twice");
        assertThatThrownBy(() -> SeatPrices.assign(List.of("A1"), List.of(new PriceCategory("x", 1, null, null),
                new PriceCategory("y", 2, null, null)))).hasMessageContaining("Only one");
        assertThatThrownBy(() -> SeatPrices.assign(List.of("A1"), List.of(new PriceCategory("x", 1, List.of("Z9"), null))))
                .hasMessageContaining("Z9");
        assertThatThrownBy(() -> SeatPrices.assign(List.of("A1"), List.of(new PriceCategory("x", 1, null, List.of("A")),
                new PriceCategory("y", 2, null, List.of("A"))))).hasMessageContaining("two price categories");
    }

    @Test
    void aPageBeyondTheLargestOffsetIsRefused() {
        BookingConfig.Listing listing = new BookingConfig.Listing() {
            @Override
            public int defaultPageSize() {
                return 20;
            }

            @Override
            public int maxPageSize() {
                return 100;
            }
        };
        assertThat(Paging.checked(21_474_835, 100, listing)).isEqualTo(100);
        assertThatThrownBy(() -> Paging.checked(21_474_836, 100, listing)).isInstanceOf(InvalidListing.class);
        assertThat(Paging.checked(0, null, listing)).isEqualTo(20);
    }

    private static Show show(Instant salesStart, Instant salesEnd, Instant cancelledAt) {
        return new Show(UUID.randomUUID(), "T", START, 1, Instant.EPOCH, salesStart, salesEnd, "EUR", cancelledAt, 1,
                Instant.EPOCH);
    }
}
