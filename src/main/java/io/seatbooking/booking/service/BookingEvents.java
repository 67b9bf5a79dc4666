package io.seatbooking.booking.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.BookingView;
import io.seatbooking.booking.Show;
import io.seatbooking.messaging.CloudEvent;
import io.seatbooking.messaging.EventConfig;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.outbox.OutboxMessage;
import io.seatbooking.outbox.OutboxWriter;
import io.seatbooking.platform.Tracing;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Writes the CloudEvents of show and booking changes to the outbox, inside the caller's
 * transaction (see {@link OutboxWriter}).
 */
@ApplicationScoped
public class BookingEvents {

    private static final TimeBasedEpochGenerator EVENT_IDS = Generators.timeBasedEpochGenerator();

    private final ObjectMapper json;
    private final EventConfig config;
    private final OutboxWriter outbox;

    public BookingEvents(ObjectMapper json, EventConfig config, OutboxWriter outbox) {
        this.json = json;
        this.config = config;
        this.outbox = outbox;
    }

    /** Appends {@code show.created} to the outbox in {@code tx}. */
    public Uni<Void> showCreated(SqlConnection tx, Show show, List<String> seats) {
        return outbox.append(tx, showCreated(show, seats));
    }

    /** Appends a booking event of {@code type} for the booking as it is after the change. */
    public Uni<Void> bookingChanged(SqlConnection tx, String type, Booking booking) {
        return outbox.append(tx, bookingChanged(type, booking));
    }

    /** The data of a {@code show.created} event. */
    @RegisterForReflection
    public record ShowCreated(UUID id, String title, Instant startsAt, int capacity, List<String> seats) {
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

    OutboxMessage showCreated(Show show, List<String> seats) {
        return message(EventTypes.SHOW_CREATED, show.id().toString(), 1, show.createdAt(),
                new ShowCreated(show.id(), show.title(), show.startsAt(), show.capacity(), seats));
    }

    /** A booking event whose sequence is the booking's version after the change. */
    OutboxMessage bookingChanged(String type, Booking booking) {
        return message(type, booking.id.toString(), booking.version, booking.updatedAt, BookingView.of(booking));
    }

    private OutboxMessage message(String type, String subject, long sequence, Instant time, Object data) {
        UUID id = EVENT_IDS.generate();
        String traceparent = Tracing.currentTraceparent();
        CloudEvent<Object> event = new CloudEvent<>(CloudEvent.SPEC_VERSION, id, config.source(), type, subject, time,
                CloudEvent.DATA_CONTENT_TYPE, CloudEvent.sequenceOf(sequence), traceparent, data);
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event of type " + type + " cannot be serialised", e);
        }
        Map<String, String> headers = traceparent == null ? Map.of() : Map.of("traceparent", traceparent);
        return new OutboxMessage(id, type, subject, sequence, EventTypes.EXCHANGE, type, CloudEvent.CONTENT_TYPE,
                headers, payload);
    }
}
