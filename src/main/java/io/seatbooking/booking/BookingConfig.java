package io.seatbooking.booking;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the booking core ({@code booking.*}). */
@ConfigMapping(prefix = "booking")
public interface BookingConfig {

    /** Seat holds. */
    Hold hold();

    /** Show creation limits. */
    Shows shows();

    /** The sweeper that releases expired holds. */
    Expiry expiry();

    /** Booking listings. */
    Listing listing();

    /** The seat map read path. */
    SeatMap seatMap();

    /** Cancelling the bookings of a cancelled show. */
    Cancellation cancellation();

    interface Cancellation {
        /** The most bookings one batch (one transaction) cancels. */
        @WithDefault("100")
        int batchSize();

        /** Mean time between two looks for unfinished cancellations (jittered +/-50%). */
        @WithDefault("PT5S")
        Duration interval();

        /**
         * How long after a cancellation its bookings are looked for once more before it is marked
         * done: longer than any hold transaction may take.
         */
        @WithDefault("PT1M")
        Duration settleTime();
    }

    interface Hold {
        /** How long a hold lasts before the sweeper releases it. */
        @WithDefault("PT10M")
        Duration duration();

        /** The most seats one hold may take. */
        @WithDefault("10")
        int maxSeats();
    }

    interface Shows {
        /** The most seats a show may have. */
        @WithDefault("10000")
        int maxCapacity();
    }

    interface Expiry {
        /** Whether this replica runs the sweeper (every replica may; it is safe). */
        @WithDefault("true")
        boolean enabled();

        /** Mean time between sweeps; each wait is jittered uniformly within +/-50%. */
        @WithDefault("PT5S")
        Duration sweepInterval();

        /** The most expired holds one sweep releases before it looks again. */
        @WithDefault("200")
        int batchSize();
    }

    /** Listings: bookings and the show catalogue. */
    interface Listing {
        /** Page size when the client gives none. */
        @WithDefault("20")
        int defaultPageSize();

        /** The largest page size a client may ask for. */
        @WithDefault("100")
        int maxPageSize();
    }

    interface SeatMap {
        /**
         * How long a replica may serve a seat map from memory. Writes through the same replica
         * are applied to it at once; other replicas' writes show after at most this long. Zero
         * turns the cache off.
         */
        @WithDefault("PT0.2S")
        Duration cacheTtl();
    }
}
