package io.seatbooking.payments.service;

import java.time.InstantSource;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingOutcome;
import io.seatbooking.booking.repository.BookingRepository;
import io.seatbooking.booking.repository.BookingSnapshot;
import io.seatbooking.booking.service.BookingLifecycleService;
import io.seatbooking.db.BeforeCommit;
import io.seatbooking.deadletter.PoisonMessageException;
import io.seatbooking.payments.PaymentEvent;
import io.seatbooking.payments.PaymentOutcome;
import io.seatbooking.payments.PaymentsMetrics;
import io.seatbooking.payments.repository.InboxRepository;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Turns a payment event into its booking change, exactly once per message id.
 *
 * <p>A payment.succeeded first tries the common case without a read: a statement that confirms
 * the booking only if it is HELD, its hold runs and the payment pays its total. Otherwise (or for
 * payment.failed) it reads the booking, decides from that read, and hands the same read to the
 * booking lifecycle, whose conditional updates apply the change only if the booking and its seats are
 * still as decided on (no second read); the inbox record commits in the same transaction. If
 * anything changed in between, it decides again from a fresh read. There is no inbox look-up
 * before the read: a redelivered message decides like the first delivery, and its inbox insert
 * finds the first one's row, which rolls its change back (or, for a decision that changes
 * nothing, records nothing): it is answered as a duplicate. The rules are {@link PaymentDecision}'s
 * (see docs/payments.md); an unknown booking makes the message poison (the payment names a booking
 * that does not exist).
 */
@Singleton
public class PaymentService {

    private static final Logger LOG = Logger.getLogger(PaymentService.class);

    /** The identity payment-driven changes are made as: a system caller that may act on any booking. */
    public static final Caller SYSTEM = Caller.system("payments");

    private static final int DECISIONS = 5;

    private final BookingRepository bookings;
    private final BookingLifecycleService lifecycle;
    private final InboxRepository inbox;
    private final InstantSource clock;
    private final PaymentsMetrics metrics;

    public PaymentService(BookingRepository bookings, BookingLifecycleService lifecycle, InboxRepository inbox,
            InstantSource clock, PaymentsMetrics metrics) {
        this.bookings = bookings;
        this.lifecycle = lifecycle;
        this.inbox = inbox;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Applies the event once. A failure is either a {@link PoisonMessageException} (it can never
     * succeed) or transient (retry later; the inbox makes the retry safe).
     */
    public Uni<PaymentOutcome> apply(PaymentEvent event) {
        return confirmIfItPaysAHold(event)
                .chain(confirmed -> confirmed ? Uni.createFrom().item(PaymentOutcome.CONFIRMED) : decide(event, 1))
                .onFailure(DuplicateDelivery.class).recoverWithItem(PaymentOutcome.DUPLICATE);
    }

    /**
     * The common case first, without a read: a payment.succeeded of a total confirms the booking
     * if it is HELD, its hold runs and that is its total ({@link PaymentDecision#CONFIRM}), with
     * the inbox record in the same transaction. False when it did not (nothing was written): the
     * payment then reads the booking and decides.
     */
    private Uni<Boolean> confirmIfItPaysAHold(PaymentEvent event) {
        if (!event.succeeded() || event.amountCents() == null || event.currency() == null) {
            return Uni.createFrom().item(false);
        }
        return lifecycle.confirmPaid(event.bookingId(), event.amountCents(), event.currency(), event.paymentId(),
                inboxRecord(event, PaymentOutcome.CONFIRMED)).map(Optional::isPresent);
    }

    private Uni<PaymentOutcome> decide(PaymentEvent event, int round) {
        return bookings.findWithSeats(event.bookingId())
                .chain(found -> {
                    if (found.isEmpty()) {
                        throw new PoisonMessageException(PoisonMessageException.UNKNOWN_BOOKING,
                                "There is no booking " + event.bookingId() + ".");
                    }
                    return apply(event, found.get());
                })
                .onFailure(Redecide.class).recoverWithUni(e -> {
                    if (round >= DECISIONS) {
                        return Uni.createFrom().failure(new IllegalStateException(
                                "Booking " + event.bookingId() + " kept changing while the payment was applied"));
                    }
                    return decide(event, round + 1);
                });
    }

    private Uni<PaymentOutcome> apply(PaymentEvent event, BookingSnapshot read) {
        Booking booking = read.booking();
        PaymentDecision decision = PaymentDecision.of(event.succeeded(), booking.status,
                booking.holdExpiredAt(clock.instant()), booking.paymentReference, event.paymentId(),
                paysTheTotal(event, booking));
        return switch (decision) {
            case CONFIRM -> effect(lifecycle.confirmAsRead(read, event.paymentId(),
                    inboxRecord(event, PaymentOutcome.CONFIRMED)), PaymentOutcome.CONFIRMED);
            case CANCEL -> effect(lifecycle.cancelAsRead(read, inboxRecord(event, PaymentOutcome.CANCELLED)),
                    PaymentOutcome.CANCELLED);
            case EXPIRE_THEN_DECIDE_AGAIN ->
                lifecycle.expire(booking.id).chain(ignored -> Uni.createFrom().failure(Redecide.INSTANCE));
            case ALREADY_APPLIED -> noEffect(event, PaymentOutcome.ALREADY_APPLIED);
            case KEEP_CONFIRMATION_WITHOUT_PAYMENT -> {
                LOG.warnf("Payment %s for booking %s, which was confirmed without a payment reference: "
                        + "neither applied nor refunded", event.paymentId(), booking.id);
                yield noEffect(event, PaymentOutcome.NO_CHANGE);
            }
            case NO_CHANGE -> noEffect(event, PaymentOutcome.NO_CHANGE);
            case REFUND_AMOUNT_MISMATCH -> {
                LOG.warnf("Payment %s of %s %s for booking %s, whose total is %s %s: refund requested",
                        event.paymentId(), event.amountCents(), event.currency(), booking.id, booking.totalCents,
                        booking.currency);
                yield effect(lifecycle.requestRefund(booking, event.paymentId(), event.amountCents(),
                        decision.refundReason(), inboxRecord(event, PaymentOutcome.REFUND_REQUESTED)),
                        PaymentOutcome.REFUND_REQUESTED).invoke(metrics::amountMismatch);
            }
            case REFUND_EXPIRED, REFUND_CANCELLED, REFUND_PAID_BY_ANOTHER ->
                effect(lifecycle.requestRefund(booking, event.paymentId(), event.amountCents(),
                        decision.refundReason(), inboxRecord(event, PaymentOutcome.REFUND_REQUESTED)),
                        PaymentOutcome.REFUND_REQUESTED);
        };
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

    /** Whether the payment is of the total the hold froze, in its currency (an absent currency is not). */
    private static boolean paysTheTotal(PaymentEvent event, Booking booking) {
        return event.amountCents() != null && event.amountCents() == booking.totalCents
                && booking.currency.equals(event.currency());
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
