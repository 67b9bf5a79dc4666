package io.seatbooking.booking.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;
import io.seatbooking.booking.BookingOutcome.ShowNotFound;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatLabels;
import io.seatbooking.booking.repository.ShowRepository;
import io.smallrye.mutiny.Uni;

/**
 * What a hold may ask for: one to {@code booking.hold.max-seats} distinct seats that exist on the
 * show. It reads the asked seats' states and versions (without locking) for the hold's
 * conditional update, and says when a hold taken now expires.
 */
@ApplicationScoped
public class HoldRules {

    private final ShowRepository shows;
    private final BookingConfig config;

    public HoldRules(ShowRepository shows, BookingConfig config) {
        this.shows = shows;
        this.config = config;
    }

    /**
     * The asked seats as they are now.
     *
     * @throws InvalidRequest empty, too many, duplicate or unknown seats
     * @throws ShowNotFound unknown show
     */
    public Uni<List<Seat>> readAskedSeats(UUID showId, List<String> labels) {
        SeatLabels.checkHold(labels, config.hold().maxSeats());
        return shows.findSeats(showId, labels).chain(found -> checkSeatsExist(showId, labels, found));
    }

    /** When a hold taken at {@code now} runs out. */
    public Instant expiryOf(Instant now) {
        return now.plus(config.hold().duration());
    }

    private Uni<List<Seat>> checkSeatsExist(UUID showId, List<String> labels, List<Seat> found) {
        if (found.size() == labels.size()) {
            return Uni.createFrom().item(found);
        }
        List<String> unknown = SeatLabels.missing(labels, found.stream().map(Seat::label).toList());
        return shows.find(showId).map(show -> {
            // Unknown seats of an unknown show: the show is what is missing.
            if (show.isEmpty()) {
                throw new ShowNotFound(showId);
            }
            throw InvalidRequest.unknownSeats("The show has no seats " + String.join(", ", unknown) + ".", unknown);
        });
    }
}
