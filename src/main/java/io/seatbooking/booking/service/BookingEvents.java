package io.seatbooking.booking.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;


import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.BookingView;
import io.seatbooking.booking.Seat;
import io.seatbooking.booking.Show;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.outbox.CloudEventMessages;
import io.seatbooking.outbox.OutboxMessage;
import io.seatbooking.outbox.OutboxWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Writes the CloudEvents of show and booking changes to the outbox, inside the caller's
 * transaction (see {@link OutboxWriter}).
 */
@Singleton
public class BookingEvents {

    private final CloudEventMessages messages;
    private final OutboxWriter outbox;

    public BookingEvents(CloudEventMessages messages, OutboxWriter outbox) {
        this.messages = messages;
        this.outbox = outbox;
    }

    /** Appends {@code show.created} to the outbox in {@code tx}. */
    public Uni<Void> showCreated(SqlConnection tx, Show show, List<Seat> seats) {
        return outbox.append(tx, showCreated(show, seats));
    }

    /** Appends {@code show.updated} for the show as it is after the change. */
    public Uni<Void> showUpdated(SqlConnection tx, Show show) {
        return outbox.append(tx, message(EventTypes.SHOW_UPDATED, show.id().toString(), show.version(),
                show.updatedAt(), ShowChanged.of(show)));
    }

    /** Appends {@code show.cancelled} for the show as it is after the cancellation. */
    public Uni<Void> showCancelled(SqlConnection tx, Show show) {
        return outbox.append(tx, message(EventTypes.SHOW_CANCELLED, show.id().toString(), show.version(),
                show.updatedAt(), ShowChanged.of(show)));
    }

    /** Appends a booking event of {@code type} for the booking as it is after the change. */
    public Uni<Void> bookingChanged(SqlConnection tx, String type, Booking booking) {
        return outbox.append(tx, bookingChanged(type, booking));
    }

    /**
     * The data of a {@code show.created} event.
     *
     * @param seats the labels in display order
     * @param priceCategories each category with its price, in the order first used
     */
    @RegisterForReflection
    public record ShowCreated(UUID id, String title, Instant startsAt, int capacity, List<String> seats,
            Instant salesStart, Instant salesEnd, String currency, List<CategoryPrice> priceCategories) {
    }

    /** A price category and the price of each of its seats, in minor units. */
    @RegisterForReflection
    public record CategoryPrice(String name, long priceCents) {
    }

    /** The data of {@code show.updated} and {@code show.cancelled}: the show after the change. */
    @RegisterForReflection
    public record ShowChanged(UUID id, String title, Instant startsAt, Instant salesStart, Instant salesEnd,
            Instant cancelledAt, long version) {

        static ShowChanged of(Show show) {
            return new ShowChanged(show.id(), show.title(), show.startsAt(), show.salesStart(), show.salesEnd(),
                    show.cancelledAt(), show.version());
        }
    }

    /**
     * The data of a {@code booking.refund-requested} event: a payment arrived that this booking
     * cannot take (the booking is no longer held, or another payment already confirmed it).
     *
     * @param bookingStatus the booking's status when the payment arrived
     * @param reason why the payment cannot be taken, e.g. {@code booking-expired}
     */
    @RegisterForReflection
    public record RefundRequested(UUID bookingId, UUID showId, String customerId,
            BookingStatus bookingStatus, String paymentId, Long amountCents, String reason,
            long version) {
    }

    /** Appends {@code booking.refund-requested} for the booking as it is after its version bump. */
    public Uni<Void> refundRequested(SqlConnection tx, Booking booking, String paymentId, Long amountCents,
            String reason) {
        RefundRequested data = new RefundRequested(booking.id, booking.showId, booking.customerId, booking.status,
                paymentId, amountCents, reason, booking.version);
        return outbox.append(tx, message(EventTypes.BOOKING_REFUND_REQUESTED, booking.id.toString(),
                booking.version, booking.updatedAt, data));
    }

    OutboxMessage showCreated(Show show, List<Seat> seats) {
        Map<String, Long> categories = new LinkedHashMap<>();
        seats.forEach(seat -> categories.putIfAbsent(seat.category(), seat.priceCents()));
        return message(EventTypes.SHOW_CREATED, show.id().toString(), show.version(), show.createdAt(),
                new ShowCreated(show.id(), show.title(), show.startsAt(), show.capacity(),
                        seats.stream().map(Seat::label).toList(), show.salesStart(), show.salesEnd(), show.currency(),
                        categories.entrySet().stream().map(e -> new CategoryPrice(e.getKey(), e.getValue())).toList()));
    }

    /** A booking event whose sequence is the booking's version after the change. */
    OutboxMessage bookingChanged(String type, Booking booking) {
        return message(type, booking.id.toString(), booking.version, booking.updatedAt, BookingView.of(booking));
    }

    private OutboxMessage message(String type, String subject, long sequence, Instant time, Object data) {
        return messages.of(type, subject, sequence, time, data);
    }
}
