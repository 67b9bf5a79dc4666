package io.seatbooking.messaging;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Where this service's events go: the durable topic exchange {@code booking.events}, whose
 * alternate exchange keeps every event no queue is bound for in {@code booking.events.unroutable}
 * instead of dropping it.
 */
public class BookingEventsTopology {

    public static final String UNROUTABLE_EXCHANGE = "booking.events.unroutable";
    public static final String UNROUTABLE_QUEUE = "booking.events.unroutable";

    @Produces
    @Singleton
    Topology bookingEvents() {
        return new Topology(
                List.of(new Topology.Exchange(UNROUTABLE_EXCHANGE, "fanout", Map.of()),
                        new Topology.Exchange(EventTypes.EXCHANGE, "topic",
                                Map.of("alternate-exchange", UNROUTABLE_EXCHANGE))),
                List.of(new Topology.Queue(UNROUTABLE_QUEUE, Map.of("x-queue-type", "quorum"))),
                List.of(new Topology.Binding(UNROUTABLE_EXCHANGE, UNROUTABLE_QUEUE, false, "")));
    }
}
