package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.SeatCounts;
import io.seatbooking.booking.SeatLabels;
import io.seatbooking.booking.Show;
import io.seatbooking.booking.ShowSummary;
import io.seatbooking.booking.repository.ShowRepository;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** Creates shows with their seat maps and answers reads about them. */
@ApplicationScoped
public class ShowService {

    private static final TimeBasedEpochGenerator SHOW_IDS = Generators.timeBasedEpochGenerator();

    private final Pool pool;
    private final ShowRepository shows;
    private final BookingEvents events;
    private final BookingConfig config;
    private final InstantSource clock;
    private final SeatMapCache seatMaps;

    public ShowService(Pool pool, ShowRepository shows, BookingEvents events, BookingConfig config,
            InstantSource clock, SeatMapCache seatMaps) {
        this.pool = pool;
        this.shows = shows;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.seatMaps = seatMaps;
    }

    /**
     * Creates a show, its seats (all AVAILABLE) and its {@code show.created} event in one
     * transaction. The seats are either listed, or generated as rows x seatsPerRow ("A1".."A20").
     *
     * @throws ProblemException 422 when both or neither seat forms are given, labels repeat, or
     *         the show would exceed the configured capacity
     */
    public Uni<ShowSummary> create(String title, Instant startsAt, List<String> seats, List<String> rows,
            Integer seatsPerRow) {
        List<String> labels = seatLabels(seats, rows, seatsPerRow);
        Show show = new Show(SHOW_IDS.generate(), title, startsAt, labels.size(), clock.instant());
        return pool.withTransaction(tx -> shows.insert(tx, show, labels)
                .chain(() -> events.showCreated(tx, show, labels)))
                .replaceWith(new ShowSummary(show, new SeatCounts(labels.size(), 0, 0)));
    }

    public Uni<ShowSummary> get(UUID showId) {
        return shows.find(showId).chain(found -> {
            Show show = found.orElseThrow(() -> notFound(showId));
            return shows.countSeats(showId).map(counts -> new ShowSummary(show, counts));
        });
    }

    public Uni<SeatMapCache.SeatMap> seatMap(UUID showId) {
        return seatMaps.get(showId).map(map -> map.orElseThrow(() -> notFound(showId)));
    }

    private List<String> seatLabels(List<String> seats, List<String> rows, Integer seatsPerRow) {
        boolean listed = seats != null;
        boolean generated = rows != null || seatsPerRow != null;
        if (listed == generated) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST,
                    "Give either seats, or rows together with seatsPerRow.");
        }
        if (generated && (rows == null || seatsPerRow == null)) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "rows and seatsPerRow go together.");
        }
        long capacity = listed ? seats.size() : (long) rows.size() * seatsPerRow;
        if (capacity == 0) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "A show needs at least one seat.");
        }
        int max = config.shows().maxCapacity();
        if (capacity > max) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST,
                    "A show may have at most " + max + " seats, not " + capacity + ".");
        }
        List<String> labels = listed ? seats : generate(rows, seatsPerRow);
        List<String> duplicates = SeatLabels.duplicates(labels);
        if (!duplicates.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST,
                    "Seat labels must be unique; repeated: " + String.join(", ", duplicates) + ".")
                    .with("duplicateSeats", duplicates));
        }
        return labels;
    }

    private static List<String> generate(List<String> rows, int seatsPerRow) {
        List<String> labels = new ArrayList<>(rows.size() * seatsPerRow);
        for (String row : rows) {
            for (int n = 1; n <= seatsPerRow; n++) {
                labels.add(row + n);
            }
        }
        return labels;
    }

    private static ProblemException notFound(UUID showId) {
        return ProblemException.of(ProblemType.SHOW_NOT_FOUND, "There is no show " + showId + ".");
    }
}
