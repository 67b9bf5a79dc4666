package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;
import io.seatbooking.booking.BookingOutcome.ShowNotFound;
import io.seatbooking.booking.BookingOutcome.ShowNotOnSale;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatLabels;
import io.seatbooking.booking.Show;
import io.seatbooking.booking.ShowStatus;
import io.seatbooking.booking.repository.ShowRepository;
import io.seatbooking.booking.repository.ShowWithSeats;
import io.smallrye.mutiny.Uni;

/**
 * What a hold may ask for: one to {@code booking.hold.max-seats} distinct seats that exist on a
 * show that is on sale (not cancelled, not started, inside its sales window). It reads the show
 * and the asked seats' states, versions and prices (without locking, in one statement) for the
 * hold's conditional update, and says when a hold taken now expires.
 */
@Singleton
public class HoldRules {

    /** The show as read for a hold, and the asked seats as they are now. */
    public record AskedSeats(Show show, List<Seat> seats) {

        /** What the seats cost together, in minor units of the show's currency. */
        public long totalCents() {
            return seats.stream().mapToLong(Seat::priceCents).sum();
        }
    }

    private final ShowRepository shows;
    private final BookingConfig config;
    private final InstantSource clock;

    public HoldRules(ShowRepository shows, BookingConfig config, InstantSource clock) {
        this.shows = shows;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The show and the asked seats as they are now (read side by side).
     *
     * @throws InvalidRequest empty, too many, duplicate or unknown seats
     * @throws ShowNotFound unknown show
     * @throws ShowNotOnSale the show is cancelled, started, or outside its sales window
     */
    public Uni<AskedSeats> readAskedSeats(UUID showId, List<String> labels) {
        SeatLabels.checkHold(labels, config.hold().maxSeats());
        return shows.findWithSeats(showId, labels).map(found -> {
            ShowWithSeats read = found.orElseThrow(() -> new ShowNotFound(showId));
            ShowStatus status = read.show().status(clock.instant());
            if (status != ShowStatus.ON_SALE) {
                throw new ShowNotOnSale(read.show(), status);
            }
            checkSeatsExist(labels, read.seats());
            return new AskedSeats(read.show(), read.seats());
        });
    }

    /** When a hold taken at {@code now} runs out. */
    public Instant expiryOf(Instant now) {
        return now.plus(config.hold().duration());
    }

    private static void checkSeatsExist(List<String> labels, List<Seat> found) {
        if (found.size() != labels.size()) {
            List<String> unknown = SeatLabels.missing(labels, found.stream().map(Seat::label).toList());
            throw InvalidRequest.unknownSeats("The show has no seats " + String.join(", ", unknown) + ".", unknown);
        }
    }
}
