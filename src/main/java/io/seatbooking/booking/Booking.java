package io.seatbooking.booking;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A customer's booking of one or more seats of a show.
 *
 * <p>Mapped with Hibernate Reactive for reads and listings ({@code BookingQueryRepository}). It is {@link Immutable} to Hibernate:
 * every change goes through {@code BookingRepository}'s conditional version updates, in the same
 * transaction as its outbox event, so Hibernate never writes this table.
 */
@Entity
@Immutable
@Table(name = "booking")
public class Booking {

    @Id
    public UUID id;

    @Column(name = "show_id")
    public UUID showId;

    @Column(name = "customer_id")
    public String customerId;

    @Enumerated(EnumType.STRING)
    public BookingStatus status;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "seats", columnDefinition = "text[]")
    public List<String> seats;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "payment_reference")
    public String paymentReference;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public long version;

    /** The price of its seats when it was held, in minor units of {@link #currency}. */
    @Column(name = "total_cents")
    public long totalCents;

    /** The show's currency (ISO 4217). */
    public String currency;

    public Booking() {
    }

    public Booking(UUID id, UUID showId, String customerId, BookingStatus status, List<String> seats,
            Instant expiresAt, String paymentReference, Instant createdAt, Instant updatedAt, long version,
            long totalCents, String currency) {
        this.id = id;
        this.showId = showId;
        this.customerId = customerId;
        this.status = status;
        this.seats = List.copyOf(seats);
        this.expiresAt = expiresAt;
        this.paymentReference = paymentReference;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.version = version;
        this.totalCents = totalCents;
        this.currency = currency;
    }

    /** Whether a HELD booking's hold has run out at {@code now} (the sweeper may not have run yet). */
    public boolean holdExpiredAt(Instant now) {
        return status == BookingStatus.HELD && !expiresAt.isAfter(now);
    }

    /** This booking after a transition to {@code next}, at version {@code newVersion}. */
    public Booking transitioned(BookingStatus next, long newVersion, Instant at, String newPaymentReference) {
        return new Booking(id, showId, customerId, next, seats, expiresAt,
                newPaymentReference != null ? newPaymentReference : paymentReference, createdAt, at, newVersion,
                totalCents, currency);
    }
}
