package io.seatbooking.booking.service;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatLabels;
import io.seatbooking.booking.repository.ShowRepository;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;
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
     * @throws ProblemException 422 empty, too many, duplicate or unknown seats; 404 unknown show
     */
    public Uni<List<Seat>> readAskedSeats(UUID showId, List<String> labels) {
        checkSeatList(labels);
        return shows.findSeats(showId, labels).chain(found -> checkSeatsExist(showId, labels, found));
    }

    /** When a hold taken at {@code now} runs out. */
    public Instant expiryOf(Instant now) {
        return now.plus(config.hold().duration());
    }

    private void checkSeatList(List<String> labels) {
        if (labels.isEmpty()) {
            throw invalid("seats must name at least one seat.");
        }
        int max = config.hold().maxSeats();
        if (labels.size() > max) {
            throw invalid("A hold may take at most " + max + " seats.");
        }
        List<String> duplicates = SeatLabels.duplicates(labels);
        if (!duplicates.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST,
                    "Each seat may appear only once: " + String.join(", ", duplicates) + ".")
                    .with("duplicateSeats", duplicates));
        }
    }

    private Uni<List<Seat>> checkSeatsExist(UUID showId, List<String> labels, List<Seat> found) {
        if (found.size() == labels.size()) {
            return Uni.createFrom().item(found);
        }
        Set<String> known = new HashSet<>();
        found.forEach(s -> known.add(s.label()));
        List<String> unknown = labels.stream().filter(l -> !known.contains(l)).toList();
        return shows.find(showId).map(show -> {
            if (show.isEmpty()) {
                throw ProblemException.of(ProblemType.SHOW_NOT_FOUND, "There is no show " + showId + ".");
            }
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST,
                    "The show has no seats " + String.join(", ", unknown) + ".").with("unknownSeats", unknown));
        });
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.of(ProblemType.INVALID_REQUEST, detail);
    }
}
