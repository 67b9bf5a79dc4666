package io.seatbooking.booking.service;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.BookingOutcome.ConcurrentChange;
import io.seatbooking.booking.BookingOutcome.InvalidListing;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;
import io.seatbooking.booking.BookingOutcome.ShowCancelled;
import io.seatbooking.booking.BookingOutcome.ShowNotFound;
import io.seatbooking.booking.BookingOutcome.ShowVersionMismatch;
import io.seatbooking.booking.IfMatch;
import io.seatbooking.booking.NewShow;
import io.seatbooking.booking.Paging;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.SeatCounts;
import io.seatbooking.booking.SeatLabels;
import io.seatbooking.booking.SeatPrices;
import io.seatbooking.booking.Show;
import io.seatbooking.booking.ShowChange;
import io.seatbooking.booking.ShowPage;
import io.seatbooking.booking.ShowSummary;
import io.seatbooking.booking.ShowTimes;
import io.seatbooking.booking.repository.ShowRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Creates shows with their priced seat maps, answers reads and the catalogue, and changes or
 * cancels shows. Each change is a conditional version update of the show row with its event in
 * one transaction; a cancellation only marks the show, and {@link ShowCancellationService}
 * cancels its bookings in batches.
 */
@Singleton
public class ShowService {

    private static final TimeBasedEpochGenerator SHOW_IDS = Generators.timeBasedEpochGenerator();

    private final Pool pool;
    private final ShowRepository shows;
    private final BookingEvents events;
    private final BookingConfig config;
    private final InstantSource clock;
    private final SeatMapCache seatMaps;
    private final ShowCancellationService cancellations;

    public ShowService(Pool pool, ShowRepository shows, BookingEvents events, BookingConfig config,
            InstantSource clock, SeatMapCache seatMaps, ShowCancellationService cancellations) {
        this.pool = pool;
        this.shows = shows;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.seatMaps = seatMaps;
        this.cancellations = cancellations;
    }

    /**
     * Creates a show, its seats (all AVAILABLE, each with its price category) and its
     * {@code show.created} event in one transaction. The seats are either listed, or generated
     * as rows x seatsPerRow ("A1".."A20").
     *
     * @throws InvalidRequest when the show would start in the past or its sales window is wrong
     *         ({@link ShowTimes}), when both or neither seat forms are given, labels repeat, the show
     *         would exceed the configured capacity (see {@link SeatLabels#forShow}), or the price
     *         categories do not price every seat once ({@link SeatPrices})
     */
    public Uni<ShowSummary> create(NewShow request) {
        Instant now = clock.instant();
        ShowTimes.check(request.startsAt(), request.salesStart(), request.salesEnd(), now);
        List<String> labels = SeatLabels.forShow(request.seats(), request.rows(), request.seatsPerRow(),
                config.shows().maxCapacity());
        List<Seat> seats = SeatPrices.assign(labels, request.priceCategories());
        String currency = request.currency() == null ? NewShow.DEFAULT_CURRENCY : request.currency();
        Show show = new Show(SHOW_IDS.generate(), request.title(), request.startsAt(), labels.size(), now,
                request.salesStart(), request.salesEnd(), currency, null, 1, now);
        return pool.withTransaction(tx -> shows.insert(tx, show, seats)
                .chain(() -> events.showCreated(tx, show, seats)))
                .replaceWith(new ShowSummary(show, new SeatCounts(labels.size(), 0, 0)));
    }

    /** The show with its seat counts; {@link ShowNotFound} if there is none. */
    public Uni<ShowSummary> get(UUID showId) {
        return shows.find(showId).chain(found -> {
            Show show = found.orElseThrow(() -> new ShowNotFound(showId));
            return shows.countSeats(showId).map(counts -> new ShowSummary(show, counts));
        });
    }

    /**
     * One page of the catalogue, ordered by start.
     *
     * @param from only shows starting at or after, or null
     * @param to only shows starting before, or null
     * @param titleContains only shows whose title contains it (case-insensitive), or null
     * @throws InvalidListing for an impossible page, or {@code from} not before {@code to}
     */
    public Uni<ShowPage> catalogue(Instant from, Instant to, String titleContains, int page, Integer size) {
        int pageSize = Paging.checked(page, size, config.listing());
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidListing("from must be before to.");
        }
        return shows.catalogue(from, to, titleContains, pageSize, (long) page * pageSize)
                .chain(items -> shows.countCatalogue(from, to, titleContains)
                        .map(total -> new ShowPage(items, page, pageSize, total)));
    }

    /** The show's seat map (possibly cached); {@link ShowNotFound} if there is none. */
    public Uni<SeatMapCache.SeatMap> seatMap(UUID showId) {
        return seatMaps.get(showId).map(map -> map.orElseThrow(() -> new ShowNotFound(showId)));
    }

    /**
     * Changes title and times, if {@code ifMatch} names the show's version, and writes
     * {@code show.updated}. Bookings keep their seats and prices.
     *
     * @throws ShowNotFound; {@link ShowVersionMismatch}; {@link ShowCancelled}; {@link InvalidRequest}
     *         for times that break {@link ShowTimes}; {@link ConcurrentChange} when another change
     *         won between the read and the update
     */
    public Uni<ShowSummary> change(UUID showId, IfMatch ifMatch, ShowChange change) {
        return readForChange(showId, ifMatch).chain(show -> {
            Instant now = clock.instant();
            Show wanted = show.changed(
                    change.title() != null ? change.title() : show.title(),
                    change.startsAt() != null ? change.startsAt() : show.startsAt(),
                    change.salesStart() != null ? change.salesStart() : show.salesStart(),
                    change.salesEnd() != null ? change.salesEnd() : show.salesEnd(), show.version(), now);
            ShowTimes.check(wanted.startsAt(), wanted.salesStart(), wanted.salesEnd(), now);
            return pool.withTransaction(tx -> shows.update(tx, show, wanted)
                    .map(version -> changedTo(wanted, version, showId))
                    .call(changed -> events.showUpdated(tx, changed)));
        }).chain(changed -> get(changed.id()));
    }

    /**
     * Cancels the show, if {@code ifMatch} names its version, and writes {@code show.cancelled}:
     * from the commit on it takes no holds, and {@link ShowCancellationService} cancels its live
     * bookings in batches (started at once, resumed by every replica until done). Cancelling a
     * cancelled show answers it unchanged.
     *
     * @throws ShowNotFound; {@link ShowVersionMismatch}; {@link ConcurrentChange}
     */
    public Uni<ShowSummary> cancel(UUID showId, IfMatch ifMatch) {
        return shows.find(showId).chain(found -> {
            Show show = found.orElseThrow(() -> new ShowNotFound(showId));
            if (show.cancelledAt() != null) {
                return Uni.createFrom().item(show);
            }
            if (!ifMatch.matches(show.version())) {
                throw new ShowVersionMismatch(show.version());
            }
            Instant now = clock.instant();
            return pool.withTransaction(tx -> shows.cancel(tx, show, now)
                    .map(version -> changedTo(show.cancelled(show.version(), now), version, showId))
                    .call(cancelled -> events.showCancelled(tx, cancelled)))
                    .invoke(cancelled -> cancellations.start(cancelled.id()));
        }).chain(show -> get(show.id()));
    }

    private Uni<Show> readForChange(UUID showId, IfMatch ifMatch) {
        return shows.find(showId).map(found -> {
            Show show = found.orElseThrow(() -> new ShowNotFound(showId));
            if (show.cancelledAt() != null) {
                throw new ShowCancelled(showId);
            }
            if (!ifMatch.matches(show.version())) {
                throw new ShowVersionMismatch(show.version());
            }
            return show;
        });
    }

    private static Show changedTo(Show wanted, Optional<Long> version, UUID showId) {
        long newVersion = version.orElseThrow(() -> new ConcurrentChange(
                "Show " + showId + " changed while the request ran; read it again."));
        return new Show(wanted.id(), wanted.title(), wanted.startsAt(), wanted.capacity(), wanted.createdAt(),
                wanted.salesStart(), wanted.salesEnd(), wanted.currency(), wanted.cancelledAt(), newVersion,
                wanted.updatedAt());
    }
}
