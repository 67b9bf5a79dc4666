package io.seatbooking.payments;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.seatbooking.db.ConsumerWork;
import io.seatbooking.deadletter.Delivery;
import io.seatbooking.deadletter.FailureSummary;
import io.seatbooking.deadletter.PoisonMessageException;
import io.seatbooking.deadletter.retry.RetryPolicy;
import io.seatbooking.deadletter.retry.RetryRouter;
import io.seatbooking.payments.service.PaymentService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;

/**
 * Consumes payment events from the quorum queue {@code booking.payments} without blocking, several
 * at once: the channel runs as {@code mp.messaging.incoming.payments.concurrency} copies, each a
 * consumer of its own that applies one message at a time. Two messages about one booking may run
 * side by side; the inbox (one row per message id) and the conditional updates of the booking
 * decide between them, as they do between replicas. Every delivery is settled explicitly (manual
 * acknowledgement):
 * <ul>
 * <li>applied, or nothing to do, or a duplicate: ack (the inbox row committed with the effect);
 * <li>poison (can never succeed): republish to {@code booking.dlx}, ack once the broker
 * confirmed it;
 * <li>transient failure: republish to the delay queue of the next retry step (or to the DLX
 * after the last), ack once confirmed;
 * <li>the republish itself failed: after a back-off, nack with requeue, so the broker keeps the
 * message; its delivery limit dead-letters a message that can never be settled.
 * </ul>
 * The returned {@link Uni} never fails, so the stream never stops on a bad message. Its database
 * work runs on the consumers' pool ({@link ConsumerWork}). With {@code admission.payments-first} on,
 * the write path sheds more new holds while payments pile up in the queue ({@link PaymentsBacklog}).
 */
@Singleton
public class PaymentsConsumer {

    private static final Logger LOG = Logger.getLogger(PaymentsConsumer.class);

    /** The SmallRye channel ({@code mp.messaging.incoming.payments.*}). */
    public static final String CHANNEL = "payments";

    private final PaymentEventParser parser;
    private final PaymentService payments;
    private final RetryRouter router;
    private final PaymentsMetrics metrics;
    private final PaymentsConfig config;
    private final RetryPolicy retry;

    public PaymentsConsumer(PaymentEventParser parser, PaymentService payments, RetryRouter router,
            PaymentsMetrics metrics, PaymentsConfig config) {
        this.parser = parser;
        this.payments = payments;
        this.router = router;
        this.metrics = metrics;
        this.config = config;
        this.retry = new RetryPolicy(PaymentsTopology.WORK_QUEUE, config.retry().delays(),
                config.publishConfirmTimeout());
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<byte[]> message) {
        ConsumerWork.attach();
        Delivery delivery = new Delivery(message.getMetadata(IncomingRabbitMQMetadata.class).orElseThrow(),
                bytes(message.getPayload()));
        return Uni.createFrom().deferred(() -> payments.apply(parser.parse(delivery)))
                .ifNoItem().after(config.processingTimeout()).failWith(() -> new TimeoutException(
                        "Processing took longer than " + config.processingTimeout()))
                .onItemOrFailure().transformToUni((outcome, failure) -> failure == null
                        ? applied(message, outcome)
                        : failed(message, delivery, failure))
                .onFailure().recoverWithUni(failure -> requeueLater(message, delivery, failure));
    }

    private Uni<Void> applied(Message<?> message, PaymentOutcome outcome) {
        metrics.consumed(outcome);
        return Uni.createFrom().completionStage(message.ack());
    }

    private Uni<Void> failed(Message<?> message, Delivery delivery, Throwable failure) {
        Uni<RetryRouter.Route> route;
        if (failure instanceof PoisonMessageException poison) {
            LOG.warnf("Parking payment message %s: %s (%s)", id(delivery), poison.reason(), poison.getMessage());
            route = router.park(retry, delivery, poison.reason(), poison.getMessage(), delivery.previousAttempts() + 1);
        } else {
            LOG.warnf("Payment message %s failed on attempt %d: %s", id(delivery), delivery.previousAttempts() + 1,
                    FailureSummary.of(failure));
            route = router.retryOrPark(retry, delivery, failure);
        }
        return route.chain(routed -> {
            if (routed.parked()) {
                metrics.parked(routed.reason());
            } else {
                metrics.retried(routed.retryStep());
            }
            return Uni.createFrom().completionStage(message.ack());
        });
    }

    /** Neither processed nor republished: give it back to the broker, after a pause. */
    private Uni<Void> requeueLater(Message<?> message, Delivery delivery, Throwable failure) {
        LOG.warnf("Could not settle payment message %s, requeueing it in %s: %s", id(delivery),
                config.requeueBackoff(), FailureSummary.of(failure));
        metrics.requeued();
        return Uni.createFrom().voidItem().onItem().delayIt().by(config.requeueBackoff())
                .chain(() -> Uni.createFrom().completionStage(
                        message.nack(failure, Metadata.of(new RabbitMQRejectMetadata(true)))))
                .onFailure().recoverWithNull();
    }

    private static String id(Delivery delivery) {
        return delivery.messageId().orElse("(no message-id)");
    }

    /** The body as sent (the channel overrides the content type so that it arrives as bytes). */
    static byte[] bytes(Object payload) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload == null) {
            return new byte[0];
        }
        return payload.toString().getBytes(StandardCharsets.UTF_8);
    }
}
