package io.seatbooking.deadletter.service;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.seatbooking.deadletter.AmqpValues;
import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.DeadLetterHeaders;
import io.seatbooking.deadletter.FailedMessage;
import io.seatbooking.deadletter.FailureChannelTopology;
import io.seatbooking.messaging.TopologyDeclarer;
import io.seatbooking.outbox.OutboxMessage;

/**
 * The outbox message that replays a parked letter, for a single replay and a bulk one alike. It
 * keeps the body, content type and message id (the inbox still recognises the message if its
 * effect had in fact been applied), drops the failure headers (a fresh start: attempts count from
 * zero) and says which letter it came from ({@code x-replay-of}) and who replayed it.
 */
@Singleton
public class ReplayMessages {

    private final DeadLetterConfig config;
    private final TopologyDeclarer topology;

    public ReplayMessages(DeadLetterConfig config, TopologyDeclarer topology) {
        this.config = config;
        this.topology = topology;
    }

    /** The replay of {@code parked} (with headers and payload), published as {@code messageId}. */
    public OutboxMessage message(DeadLetter parked, UUID messageId, String replayedBy) {
        FailedMessage letter = parked.message();
        Map<String, String> headers = new LinkedHashMap<>();
        letter.headers().forEach((name, value) -> {
            String text = AmqpValues.text(value);
            if (text != null && !DeadLetterHeaders.FAILURE_STATE.contains(name)) {
                headers.put(name, text);
            }
        });
        headers.put(DeadLetterHeaders.ORIGINAL_EXCHANGE, letter.originalExchange());
        headers.put(DeadLetterHeaders.ORIGINAL_ROUTING_KEY, letter.originalRoutingKey());
        headers.put(DeadLetterHeaders.REPLAY_OF, parked.id().toString());
        headers.put(DeadLetterHeaders.REPLAYED_BY, replayedBy);
        if (letter.messageId() != null && uuid(letter.messageId()) == null) {
            headers.put(DeadLetterHeaders.ORIGINAL_MESSAGE_ID, letter.messageId());
        }
        // Back to the failed queue alone only where the failure channel's retry exchange leads to it.
        boolean toSourceQueue = config.replayToSourceQueue()
                && FailureChannelTopology.routesBackTo(topology.topology(), letter.sourceQueue());
        String exchange = toSourceQueue ? FailureChannelTopology.RETRY_EXCHANGE : letter.originalExchange();
        String routingKey = toSourceQueue ? letter.sourceQueue() : letter.originalRoutingKey();
        String type = letter.messageType() != null ? letter.messageType() : letter.originalRoutingKey();
        String contentType = letter.contentType() != null ? letter.contentType() : "application/octet-stream";
        return new OutboxMessage(messageId, type, "dead-letter/" + parked.id(), 1, exchange, routingKey, contentType,
                headers, letter.payload());
    }

    /**
     * The outbox publishes with a UUID message-id: the original one when it is a UUID (so the
     * inbox still recognises the message), one derived from it otherwise (the original then
     * travels in {@code x-original-message-id}, which the consumer deduplicates by), and a new one
     * when the message had none.
     */
    public static UUID messageId(FailedMessage letter) {
        if (letter.messageId() == null) {
            return UUID.randomUUID();
        }
        UUID original = uuid(letter.messageId());
        return original != null ? original
                : UUID.nameUUIDFromBytes(("message-id:" + letter.messageId()).getBytes(StandardCharsets.UTF_8));
    }

    private static UUID uuid(String value) {
        if (value == null) {
            return null;
        }
        try {
            UUID parsed = UUID.fromString(value);
            // UUID.fromString accepts short forms such as "1-1-1-1-1"; only the canonical text round-trips.
            return parsed.toString().equalsIgnoreCase(value) ? parsed : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
