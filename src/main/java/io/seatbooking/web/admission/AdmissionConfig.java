package io.seatbooking.web.admission;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Admission control of the write path and the budget of every API request ({@code admission.*};
 * docs/operations.md, "Overload").
 */
@ConfigMapping(prefix = "admission")
public interface AdmissionConfig {

    /**
     * Whether holds, confirms and cancels pass through the adaptive concurrency limit, and
     * waiting-room joins through one of their own (same settings).
     */
    @WithDefault("true")
    boolean enabled();

    /** The concurrency limit before the first measurements (Netflix Gradient2). */
    @WithDefault("20")
    int initialLimit();

    /**
     * The limit never goes below this: as many as the request pool has connections, so that a
     * latency spike on a busy machine does not shed what the database could still serve (the
     * pool's own short, bounded wait guards that level). Twice that (40) was tried: holds then
     * queued for connections and a seat-map read that missed its cache was shed in the on-sale.
     */
    @WithDefault("20")
    int minLimit();

    /**
     * How long a hold, confirm or cancel that finds the limit full may wait for a slot (first come,
     * first served) before it is answered {@code 503 overloaded}: a burst that lasts a few
     * milliseconds (a collector pause, a slow commit) is absorbed instead of shed, while sustained
     * overload is still refused within this wait. {@code PT0S}: refused at once. Joins never wait.
     */
    @WithDefault("PT0.15S")
    Duration queueWait();

    /**
     * With {@code admission.payments-first}, while holds get less of the limit, how long a hold
     * that finds its room full may wait for a slot (at least {@code admission.queue-wait}): a few
     * clients that book one after another are slowed down while payments catch up rather than
     * refused, and a crowd still fills the wait ({@code admission.queue-size}) and is refused.
     */
    @WithDefault("PT1S")
    Duration brakeWait();

    /** At most this many writes wait for a slot at once; beyond it, {@code 503 overloaded} at once. */
    @WithDefault("100")
    int queueSize();

    /**
     * The limit never goes above this: the request pool's size and a fifth more, for the requests
     * in their parts without a connection (body, token, answer). Above the pool's size, admitted
     * writes queue for connections instead of here, first come first served, so confirms lose
     * their place ahead of holds, and those that wait too long are shed after part of their work
     * ({@code database-busy}). With 200, Gradient2 drifted up to 172 under sustained overload and
     * goodput fell from 592 to 445 bookings/s at 700/s offered (docs/operations.md, Overload).
     */
    @WithDefault("24")
    int maxLimit();

    /**
     * The share of the current limit that holds (new work) may fill; confirms and cancels (work
     * that finishes a hold) may use the whole limit, so that under overload new holds are shed
     * first. 1.0 (no preference) by default: with 0.8, OverloadIT lost the relay lease once and
     * its admitted p99 grew, not yet explained (docs/operations.md, Overload).
     */
    @WithDefault("1.0")
    double holdShare();

    /**
     * Whether holds give up room in the limit while payments pile up in {@code booking.payments}
     * (more than {@code payments.backlog.threshold}, risen there within
     * {@code payments.backlog.trend-window}): the holds' share is cut by a third for each 100 ms of
     * it (down to a tenth) and given back over 4 s once the queue is short again, so that payments
     * for holds already taken are applied before new holds are taken (docs/operations.md,
     * "Overload"). A backlog that only shrinks, such as the one a broker outage leaves, brakes
     * nothing.
     */
    @WithDefault("true")
    boolean paymentsFirst();

    /**
     * The largest share of the current limit one customer (token subject) may hold at once; at
     * least one request each.
     */
    @WithDefault("0.2")
    double customerShare();

    /**
     * How long an API request may take before its answer is of no use; a request past it starts
     * no database work (answered {@code 503 overloaded}).
     */
    @WithDefault("PT5S")
    Duration requestDeadline();

    /** The smallest {@code Retry-After} of a {@code 503 overloaded}: the wait while few requests are shed. */
    @WithDefault("PT1S")
    Duration retryAfter();

    /**
     * The largest wait before jitter: while many requests are shed the wait grows towards it, so
     * that a crowd's retries come down to what the service serves ({@code RetryAfterPolicy}).
     */
    @WithDefault("PT30S")
    Duration retryAfterMax();

    /**
     * Up to this much (or up to the wait itself, if longer) is added at random to each
     * {@code Retry-After}, so that retries spread out.
     */
    @WithDefault("PT2S")
    Duration retryAfterJitter();
}
