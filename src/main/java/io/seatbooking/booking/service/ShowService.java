package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;
import io.seatbooking.booking.BookingOutcome.ShowNotFound;
import io.seatbooking.booking.SeatCounts;
import io.seatbooking.booking.SeatLabels;
import io.seatbooking.booking.Show;
import io.seatbooking.booking.ShowSummary;
import io.seatbooking.booking.repository.ShowRepository;
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
     * @throws InvalidRequest when the show would start in the past, when both or neither seat forms are given, labels repeat, or the show
     *         would exceed the configured capacity (see {@link SeatLabels#forShow})
     */
    public Uni<ShowSummary> create(String title, Instant startsAt, List<String> seats, List<String> rows,
            Integer seatsPerRow) {
        Instant now = clock.instant();
        if (!startsAt.isAfter(now)) {
            throw InvalidRequest.field("startsAt", "must be in the future");
        }
        List<String> labels = SeatLabels.forShow(seats, rows, seatsPerRow, config.shows().maxCapacity());
        Show show = new Show(SHOW_IDS.generate(), title, startsAt, labels.size(), now);
        return pool.withTransaction(tx -> shows.insert(tx, show, labels)
                .chain(() -> events.showCreated(tx, show, labels)))
                .replaceWith(new ShowSummary(show, new SeatCounts(labels.size(), 0, 0)));
    }

    /** The show with its seat counts; {@link ShowNotFound} if there is none. */
    public Uni<ShowSummary> get(UUID showId) {
        return shows.find(showId).chain(found -> {
            Show show = found.orElseThrow(() -> new ShowNotFound(showId));
            return shows.countSeats(showId).map(counts -> new ShowSummary(show, counts));
        });
    }

    /** The show's seat map (possibly cached); {@link ShowNotFound} if there is none. */
    public Uni<SeatMapCache.SeatMap> seatMap(UUID showId) {
        return seatMaps.get(showId).map(map -> map.orElseThrow(() -> new ShowNotFound(showId)));
    }
}
