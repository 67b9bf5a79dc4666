package io.seatbooking.outbox;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.messaging.CloudEvent;
import io.seatbooking.messaging.EventConfig;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.platform.Tracing;

/**
 * Builds the outbox message of one of this service's CloudEvents on {@code booking.events}: a
 * time-ordered event id, the current trace context as {@code traceparent} (in the event and as an
 * AMQP header), and the event serialised exactly as it will go on the wire.
 */
@Singleton
public class CloudEventMessages {

    private static final TimeBasedEpochGenerator EVENT_IDS = Generators.timeBasedEpochGenerator();

    private final ObjectMapper json;
    private final EventConfig config;

    public CloudEventMessages(ObjectMapper json, EventConfig config) {
        this.json = json;
        this.config = config;
    }

    /**
     * The message of an event of {@code type} about {@code subject}, whose {@code sequence}
     * strictly increases per subject.
     */
    public OutboxMessage of(String type, String subject, long sequence, Instant time, Object data) {
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
