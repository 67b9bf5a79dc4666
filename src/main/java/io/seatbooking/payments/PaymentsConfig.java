package io.seatbooking.payments;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the payments consumer and its retries ({@code payments.*}). */
@ConfigMapping(prefix = "payments")
public interface PaymentsConfig {

    /** Delayed retries of transient failures. */
    Retry retry();

    /**
     * The longest one message may take to process (read, change, inbox) before it counts as a
     * transient failure. Each copy of the consumer handles one message at a time, so this also
     * bounds how long one slow message can hold up the others of its copy.
     */
    @WithDefault("PT10S")
    Duration processingTimeout();

    /** How long to wait for the broker to confirm a republish (to a delay queue or the DLX). */
    @WithDefault("PT5S")
    Duration publishConfirmTimeout();

    /**
     * How long to wait before handing a message back to the broker (nack with requeue) when it
     * could be neither processed nor republished, so that an outage does not spin the queue.
     */
    @WithDefault("PT1S")
    Duration requeueBackoff();

    /** Bodies larger than this are not parsed: they are parked as {@code too-large}. */
    @WithDefault("262144")
    int maxMessageBytes();

    /** The inbox of consumed message ids. */
    Inbox inbox();

    /** How the write path learns that payments pile up ({@link PaymentsBacklog}). */
    Backlog backlog();

    interface Backlog {
        /** How often the broker is asked how many payments wait in the queue; {@code PT0S}: never. */
        @WithDefault("PT0.1S")
        Duration checkInterval();

        /**
         * More payments than this waiting in the queue (beyond those the consumers have taken) is a
         * backlog: while it lasts, new holds get less room ({@code admission.payments-first}).
         */
        @WithDefault("20")
        int threshold();

        /**
         * A backlog starts only when the count rose past the threshold within this window (from a
         * short queue, or by more than the threshold), and lasts until the queue is short again: a
         * backlog that only shrinks, such as the one a broker outage leaves behind for consumers
         * to drain, gets no brake; one that grows, because the machine cannot apply payments as
         * fast as holds make them, does. {@code PT0S}: any count above the threshold is a backlog.
         */
        @WithDefault("PT1S")
        Duration trendWindow();
    }

    interface Inbox {
        /**
         * How long a consumed message id is remembered. Longer than the payments service can
         * redeliver or re-send a message; after it, a re-sent payment is still caught by the
         * booking's state (already applied, or refunded) but no longer as a duplicate.
         */
        @WithDefault("P30D")
        Duration retention();

        /** Mean time between purges (jittered +/-50%). */
        @WithDefault("PT1H")
        Duration purgeInterval();

        /** The most rows one purge statement deletes; a full batch is followed at once by the next. */
        @WithDefault("5000")
        int purgeBatchSize();
    }

    interface Retry {
        /**
         * The delay before each retry, in order: the first failure waits the first delay, and so
         * on. A message that fails once more after the last one is parked. Each distinct delay has
         * its own delay queue ({@code booking.payments.retry.<delay>}), so changing the list
         * creates new queues rather than conflicting with existing ones.
         */
        @WithDefault("PT1S,PT5S,PT30S")
        List<Duration> delays();
    }
}
