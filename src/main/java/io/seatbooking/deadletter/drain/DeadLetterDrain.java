package io.seatbooking.deadletter.drain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.db.ConsumerWork;
import io.seatbooking.deadletter.AmqpValues;
import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.DeadLetterHeaders;
import io.seatbooking.deadletter.DeadLetterMetrics;
import io.seatbooking.deadletter.FailedMessage;
import io.seatbooking.deadletter.FailureFingerprint;
import io.seatbooking.deadletter.FailureSummary;
import io.seatbooking.deadletter.ParkedMessage;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;

/**
 * Drains the dead letter queue {@code booking.dead-letters} into the parking table. A message is
 * acked only after its row committed; if the database cannot take it, the message goes back to
 * the queue (after a pause) and is parked later. A redelivered dead letter parks once (the
 * parking key is unique).
 *
 * <p>It parks what this service sent to {@code booking.dlx} (reason and attempts in the
 * {@link DeadLetterHeaders}) and what the broker dead-lettered itself, e.g. a message over the
 * work queue's delivery limit (reason and origin from {@code x-death}).
 */
@Singleton
public class DeadLetterDrain {

    private static final Logger LOG = Logger.getLogger(DeadLetterDrain.class);
    private static final TimeBasedEpochGenerator IDS = Generators.timeBasedEpochGenerator();

    /** The SmallRye channel ({@code mp.messaging.incoming.dead-letters.*}). */
    public static final String CHANNEL = "dead-letters";

    private final DeadLetterRepository letters;
    private final DeadLetterMetrics metrics;
    private final DeadLetterConfig config;

    public DeadLetterDrain(DeadLetterRepository letters, DeadLetterMetrics metrics, DeadLetterConfig config) {
        this.letters = letters;
        this.metrics = metrics;
        this.config = config;
    }

    @Incoming(CHANNEL)
    public Uni<Void> drain(Message<byte[]> message) {
        ConsumerWork.attach();
        IncomingRabbitMQMetadata metadata = message.getMetadata(IncomingRabbitMQMetadata.class).orElseThrow();
        return Uni.createFrom().deferred(() -> {
            ParkedMessage parked = parked(metadata, bytes(message.getPayload()));
            return letters.park(parked).invoke(stored -> {
                if (stored) {
                    metrics.parked(parked.message().reason());
                    LOG.infof("Parked dead letter %s (message %s, reason %s, %d attempts)", parked.id(),
                            parked.message().messageId(), parked.message().reason(), parked.message().attempts());
                }
            });
        })
                .chain(stored -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Could not park a dead letter, requeueing it in %s: %s", config.requeueBackoff(),
                            FailureSummary.of(failure));
                    return Uni.createFrom().voidItem().onItem().delayIt().by(config.requeueBackoff())
                            .chain(() -> Uni.createFrom().completionStage(
                                    message.nack(failure, Metadata.of(new RabbitMQRejectMetadata(true)))))
                            .onFailure().recoverWithNull();
                });
    }

    /** What to store of a dead letter. */
    static ParkedMessage parked(IncomingRabbitMQMetadata metadata, byte[] body) {
        Map<String, Object> headers = metadata.getHeaders();
        Optional<Map<?, ?>> death = lastDeath(headers);
        String messageId = metadata.getMessageId().orElse(null);
        String reason = text(headers.get(DeadLetterHeaders.REASON))
                .or(() -> death.flatMap(d -> text(d.get("reason"))).map(r -> r.replace('_', '-')))
                .orElse("unknown");
        String exchange = text(headers.get(DeadLetterHeaders.ORIGINAL_EXCHANGE))
                .or(() -> death.flatMap(d -> text(d.get("exchange"))))
                .orElse(metadata.getExchange());
        String routingKey = text(headers.get(DeadLetterHeaders.ORIGINAL_ROUTING_KEY))
                .or(() -> death.flatMap(d -> d.get("routing-keys") instanceof List<?> keys && !keys.isEmpty()
                        ? text(keys.get(0)) : Optional.empty()))
                .orElse(metadata.getRoutingKey());
        String sourceQueue = text(headers.get(DeadLetterHeaders.FAILED_QUEUE))
                .or(() -> death.flatMap(d -> text(d.get("queue"))))
                .orElse(null);
        int attempts = number(headers.get(DeadLetterHeaders.ATTEMPTS))
                .or(() -> number(headers.get("x-delivery-count")))
                .orElse(0);
        String parkingKey = text(headers.get(DeadLetterHeaders.DEAD_LETTER_ID)).map(id -> "id:" + id)
                .or(() -> death.map(d -> "death:" + sha256(messageId + "|" + d.get("queue") + "|" + d.get("reason")
                        + "|" + d.get("count") + "|" + d.get("time") + "|" + sha256(body))))
                .orElseGet(() -> "unkeyed:" + UUID.randomUUID());
        UUID replayOf = text(headers.get(DeadLetterHeaders.REPLAY_OF)).flatMap(DeadLetterDrain::uuid).orElse(null);
        FailedMessage message = new FailedMessage(messageId, sourceQueue, exchange == null ? "" : exchange,
                routingKey == null ? "" : routingKey, reason, text(headers.get(DeadLetterHeaders.EXCEPTION)).orElse(null),
                attempts, metadata.getContentType().orElse(null), metadata.getType().orElse(null),
                AmqpValues.toJson(headers), body);
        FailureFingerprint fingerprint = FailureFingerprint.of(message,
                text(headers.get(DeadLetterHeaders.FAILURE_ORIGIN)).orElse(null));
        return new ParkedMessage(IDS.generate(), parkingKey, message, replayOf, fingerprint);
    }

    // The broker puts the most recent dead-lettering first.
    private static Optional<Map<?, ?>> lastDeath(Map<String, Object> headers) {
        if (headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty() && deaths.get(0) instanceof Map<?, ?> d) {
            return Optional.of(d);
        }
        return Optional.empty();
    }

    private static Optional<String> text(Object value) {
        return value == null ? Optional.empty() : Optional.of(value.toString()).filter(s -> !s.isBlank());
    }

    private static Optional<Integer> number(Object value) {
        if (value instanceof Number n) {
            return Optional.of(n.intValue());
        }
        try {
            return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value.toString().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String sha256(String value) {
        return sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(Object payload) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        return payload == null ? new byte[0] : payload.toString().getBytes(StandardCharsets.UTF_8);
    }
}
