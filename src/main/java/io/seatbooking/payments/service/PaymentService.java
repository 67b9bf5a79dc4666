package io.seatbooking.payments.service;

import java.time.InstantSource;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingOutcome;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.IfMatch;
import io.seatbooking.booking.repository.BookingRepository;
import io.seatbooking.booking.service.BookingLifecycleService;
import io.seatbooking.db.BeforeCommit;
import io.seatbooking.deadletter.PoisonMessageException;
import io.seatbooking.payments.PaymentEvent;
import io.seatbooking.payments.PaymentOutcome;
import io.seatbooking.payments.repository.InboxRepository;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Turns a payment event into its booking change, exactly once per message id.
 *
 * <p>It reads the booking, decides from that read, and applies the change through the booking
 * lifecycle with {@code If-Match} = the version read, so that the change happens only if the
 * booking is still as decided on; the inbox record commits in the same transaction. If anything
 * changed in between, it decides again from a fresh read. The rules (see docs/payments.md):
 * <ul>
 * <li>payment.succeeded, booking HELD: confirm it (payment reference = payment id).
 * <li>payment.succeeded, hold ran out but not yet swept: expire it, then as for EXPIRED.
 * <li>payment.succeeded, booking EXPIRED or CANCELLED, or CONFIRMED by another payment: write
 * {@code booking.refund-requested}.
 * <li>payment.succeeded whose payment the booking already carries: nothing (already applied).
 * <li>payment.succeeded, booking CONFIRMED without a payment reference (confirmed by hand):
 * nothing, logged; refunding could leave paid seats unpaid.
 * <li>payment.failed, booking HELD: cancel it; in any other state: nothing.
 * <li>unknown booking: poison (the payment names a booking that does not exist).
 * </ul>
 */
@ApplicationScoped
public class PaymentService {

    private static final Logger LOG = Logger.getLogger(PaymentService.class);

    /** The identity payment-driven changes are made as: a system caller that may act on any booking. */
    public static final Caller SYSTEM = new Caller("payments", true);

    private static final int DECISIONS = 5;

    private final BookingRepository bookings;
    private final BookingLifecycleService lifecycle;
    private final InboxRepository inbox;
    private final InstantSource clock;

    public PaymentService(BookingRepository bookings, BookingLifecycleService lifecycle, InboxRepository inbox,
            InstantSource clock) {
        this.bookings = bookings;
        this.lifecycle = lifecycle;
        this.inbox = inbox;
        this.clock = clock;
    }

    /**
     * Applies the event once. A failure is either a {@link PoisonMessageException} (it can never
     * succeed) or transient (retry later; the inbox makes the retry safe).
     */
    public Uni<PaymentOutcome> apply(PaymentEvent event) {
        return inbox.seen(event.dedupeKey())
                .chain(seen -> seen ? Uni.createFrom().item(PaymentOutcome.DUPLICATE) : decide(event, 1))
                .onFailure(DuplicateDelivery.class).recoverWithItem(PaymentOutcome.DUPLICATE);
    }

    private Uni<PaymentOutcome> decide(PaymentEvent event, int round) {
        return bookings.findWithSeats(event.bookingId())
                .chain(found -> {
                    if (found.isEmpty()) {
                        throw new PoisonMessageException(PoisonMessageException.UNKNOWN_BOOKING,
                                "There is no booking " + event.bookingId() + ".");
                    }
                    Booking booking = found.get().booking();
                    return event.succeeded() ? succeeded(event, booking) : failed(event, booking);
                })
                .onFailure(Redecide.class).recoverWithUni(e -> {
                    if (round >= DECISIONS) {
                        return Uni.createFrom().failure(new IllegalStateException(
                                "Booking " + event.bookingId() + " kept changing while the payment was applied"));
                    }
                    return decide(event, round + 1);
                });
    }

    private Uni<PaymentOutcome> succeeded(PaymentEvent event, Booking booking) {
        if (event.paymentId().equals(booking.paymentReference)) {
            return noEffect(event, PaymentOutcome.ALREADY_APPLIED);
        }
        return switch (booking.status) {
            case HELD -> booking.holdExpiredAt(clock.instant())
                    // The sweeper has not got to it yet: expire it as the sweeper would, then
                    // decide again (it is then EXPIRED and the payment is refunded).
                    ? lifecycle.expire(booking.id).chain(ignored -> Uni.createFrom().failure(Redecide.INSTANCE))
                    : effect(lifecycle.confirm(SYSTEM, booking.id, exactly(booking), event.paymentId(),
                            inboxRecord(event, PaymentOutcome.CONFIRMED)), PaymentOutcome.CONFIRMED);
            case CONFIRMED -> {
                if (booking.paymentReference == null) {
                    LOG.warnf("Payment %s for booking %s, which was confirmed without a payment reference: "
                            + "neither applied nor refunded", event.paymentId(), booking.id);
                    yield noEffect(event, PaymentOutcome.NO_CHANGE);
                }
                yield refund(event, booking, "booking-paid-by-another-payment");
            }
            case EXPIRED -> refund(event, booking, "booking-expired");
            case CANCELLED -> refund(event, booking, "booking-cancelled");
        };
    }

    private Uni<PaymentOutcome> failed(PaymentEvent event, Booking booking) {
        if (booking.status == BookingStatus.HELD && !booking.holdExpiredAt(clock.instant())) {
            return effect(lifecycle.cancel(SYSTEM, booking.id, exactly(booking),
                    inboxRecord(event, PaymentOutcome.CANCELLED)), PaymentOutcome.CANCELLED);
        }
        return noEffect(event, PaymentOutcome.NO_CHANGE);
    }

    private Uni<PaymentOutcome> refund(PaymentEvent event, Booking booking, String reason) {
        return effect(lifecycle.requestRefund(booking, event.paymentId(), event.amountCents(), reason,
                inboxRecord(event, PaymentOutcome.REFUND_REQUESTED)), PaymentOutcome.REFUND_REQUESTED);
    }

    /**
     * A booking change. An outcome means the booking moved on since it was read: decide again; but
     * a booking that is gone makes the message poison.
     */
    private static Uni<PaymentOutcome> effect(Uni<Booking> change, PaymentOutcome outcome) {
        return change.replaceWith(outcome)
                .onFailure(BookingOutcome.class).transform(e -> e instanceof BookingOutcome.BookingNotFound
                        ? new PoisonMessageException(PoisonMessageException.UNKNOWN_BOOKING, e.getMessage())
                        : Redecide.INSTANCE);
    }

    private Uni<PaymentOutcome> noEffect(PaymentEvent event, PaymentOutcome outcome) {
        return inbox.recordAlone(event, outcome).map(won -> won ? outcome : PaymentOutcome.DUPLICATE);
    }

    /** Records the message in the change's transaction; a concurrent delivery that won rolls it back. */
    private <T> BeforeCommit<T> inboxRecord(PaymentEvent event, PaymentOutcome outcome) {
        return (tx, result) -> inbox.record(tx, event, outcome).map(won -> {
            if (!won) {
                throw new DuplicateDelivery();
            }
            return null;
        });
    }

    private static IfMatch exactly(Booking booking) {
        return new IfMatch(false, Set.of(booking.version));
    }

    /** The booking is no longer as read: decide again from a fresh read. */
    private static final class Redecide extends RuntimeException {
        static final Redecide INSTANCE = new Redecide();

        private Redecide() {
            super("booking changed; decide again", null, false, false);
        }
    }

    /** Another delivery of the same message recorded it first: this one's change rolled back. */
    private static final class DuplicateDelivery extends RuntimeException {
        DuplicateDelivery() {
            super("message consumed concurrently", null, false, false);
        }
    }
}
