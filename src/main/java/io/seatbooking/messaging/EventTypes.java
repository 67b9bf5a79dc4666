package io.seatbooking.messaging;

/**
 * The event types this service publishes; each is also the routing key on {@code booking.events}.
 */
public final class EventTypes {

    public static final String SHOW_CREATED = "show.created";
    public static final String SHOW_UPDATED = "show.updated";
    public static final String SHOW_CANCELLED = "show.cancelled";
    public static final String BOOKING_HELD = "booking.held";
    public static final String BOOKING_CONFIRMED = "booking.confirmed";
    public static final String BOOKING_CANCELLED = "booking.cancelled";
    public static final String BOOKING_EXPIRED = "booking.expired";
    public static final String BOOKING_REFUND_REQUESTED = "booking.refund-requested";
    public static final String QUEUE_OPENED = "queue.opened";
    public static final String QUEUE_CLOSED = "queue.closed";

    /** The durable topic exchange every event of this service is published to. */
    public static final String EXCHANGE = "booking.events";

    private EventTypes() {
    }
}
