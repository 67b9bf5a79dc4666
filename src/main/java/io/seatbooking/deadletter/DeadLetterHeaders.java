package io.seatbooking.deadletter;

import java.util.Set;

/**
 * The AMQP headers of the retry and dead letter channel: what a failed message carries on its way
 * through the delay queues to {@code booking.dlx}, and what the parking table reads back.
 */
public final class DeadLetterHeaders {

    /** Failed processing attempts so far (an integer); absent on a first delivery. */
    public static final String ATTEMPTS = "x-attempts";
    /** Why the message failed: a reason slug such as {@code unparseable} or {@code retries-exhausted}. */
    public static final String REASON = "x-failure-reason";
    /** The last failure in one line: exception type and message, never a stack trace. */
    public static final String EXCEPTION = "x-failure-exception";
    /** The first application frame of the last failure ({@code Class.method}), when it had one. */
    public static final String FAILURE_ORIGIN = "x-failure-origin";
    /** When the message last failed (ISO-8601). */
    public static final String FAILED_AT = "x-failed-at";
    /** The queue the message failed in. */
    public static final String FAILED_QUEUE = "x-failed-queue";
    /** The replica that handled the failure. */
    public static final String FAILED_BY = "x-failed-by";
    /** The exchange the message was first published to; kept through every retry and replay. */
    public static final String ORIGINAL_EXCHANGE = "x-original-exchange";
    /** The routing key the message was first published with; kept through every retry and replay. */
    public static final String ORIGINAL_ROUTING_KEY = "x-original-routing-key";
    /**
     * The message id to deduplicate by when the wire message-id had to change on replay (the
     * outbox needs a UUID). Set only by a replay; the consumer prefers it over the message-id.
     */
    public static final String ORIGINAL_MESSAGE_ID = "x-original-message-id";
    /** Identifies one dead-lettering, so that a redelivery from the dead letter queue parks once. */
    public static final String DEAD_LETTER_ID = "x-dead-letter-id";
    /** On a replayed message: the parked letter it was replayed from. */
    public static final String REPLAY_OF = "x-replay-of";
    /** On a replayed message: who replayed it. */
    public static final String REPLAYED_BY = "x-replayed-by";
    /**
     * On a republished copy: its sequence number on the republishing channel, which matches a
     * broker return to its publish (the copy's message id may repeat or be absent).
     */
    public static final String REPUBLISH_SEQUENCE = "x-republish-seq";

    /** Headers of a failure that a fresh attempt (a replay) must not carry on. */
    public static final Set<String> FAILURE_STATE = Set.of(ATTEMPTS, REASON, EXCEPTION, FAILURE_ORIGIN, FAILED_AT,
            FAILED_QUEUE,             FAILED_BY, DEAD_LETTER_ID, REPLAY_OF, REPLAYED_BY, "x-death", "x-first-death-exchange",
            "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
            "x-last-death-reason", "x-delivery-count", REPUBLISH_SEQUENCE);

    /** The broker's own dead-lettering history, which a republish must not carry on. */
    public static final Set<String> BROKER_DEATH = Set.of("x-death", "x-first-death-exchange", "x-first-death-queue",
            "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason",
            "x-delivery-count");

    private DeadLetterHeaders() {
    }
}
