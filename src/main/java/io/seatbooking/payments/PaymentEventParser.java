package io.seatbooking.payments;

import java.io.IOException;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.deadletter.Delivery;
import io.seatbooking.deadletter.PoisonMessageException;
import io.seatbooking.payments.PaymentsTopology;

/**
 * Reads a payment event (a structured CloudEvent) from a delivery, or says why it never can.
 *
 * <p>The dedupe key is the AMQP message-id (or the id a replay preserved), else the CloudEvent
 * {@code id}. A message with neither cannot be deduplicated, so its effect could not be applied
 * exactly once: it is poison ({@code missing-message-id}) and waits for an operator.
 */
@Singleton
public class PaymentEventParser {

    static final int MAX_ID_LENGTH = 256;

    private final ObjectMapper json;
    private final PaymentsConfig config;

    public PaymentEventParser(ObjectMapper json, PaymentsConfig config) {
        this.json = json;
        this.config = config;
    }

    /**
     * The payment event of the delivery.
     *
     * @throws PoisonMessageException when the message can never be processed
     */
    public PaymentEvent parse(Delivery delivery) {
        byte[] body = delivery.body();
        if (body.length > config.maxMessageBytes()) {
            throw poison(PoisonMessageException.TOO_LARGE,
                    "The body has " + body.length + " bytes; the limit is " + config.maxMessageBytes() + ".");
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw poison(PoisonMessageException.UNPARSEABLE, "The body is not JSON.");
        }
        if (event == null || !event.isObject()) {
            throw poison(PoisonMessageException.UNPARSEABLE, "The body is not a JSON object (a structured CloudEvent).");
        }
        String type = text(event, "type", "type");
        if (!PaymentsTopology.PAYMENT_SUCCEEDED.equals(type) && !PaymentsTopology.PAYMENT_FAILED.equals(type)) {
            throw poison(PoisonMessageException.UNKNOWN_TYPE, "Unknown event type '" + abbreviate(type) + "'.");
        }
        String dedupeKey = delivery.dedupeId().orElseGet(() -> optionalText(event, "id"));
        if (dedupeKey == null || dedupeKey.isBlank()) {
            throw poison(PoisonMessageException.MISSING_MESSAGE_ID,
                    "Neither an AMQP message-id nor a CloudEvent id: the message cannot be deduplicated.");
        }
        if (dedupeKey.length() > MAX_ID_LENGTH) {
            throw poison(PoisonMessageException.INVALID_FIELDS, "The message id is longer than " + MAX_ID_LENGTH + ".");
        }
        JsonNode data = event.get("data");
        if (data == null || data.isNull()) {
            throw poison(PoisonMessageException.MISSING_FIELDS, "Field 'data' is missing.");
        }
        if (!data.isObject()) {
            throw poison(PoisonMessageException.INVALID_FIELDS, "Field 'data' must be an object.");
        }
        UUID bookingId;
        String bookingIdText = text(data, "bookingId", "data.bookingId");
        try {
            bookingId = UUID.fromString(bookingIdText);
        } catch (IllegalArgumentException e) {
            throw poison(PoisonMessageException.INVALID_FIELDS, "Field 'data.bookingId' must be a UUID.");
        }
        String paymentId = text(data, "paymentId", "data.paymentId");
        if (paymentId.isBlank() || paymentId.length() > MAX_ID_LENGTH) {
            throw poison(PoisonMessageException.INVALID_FIELDS,
                    "Field 'data.paymentId' must have 1 to " + MAX_ID_LENGTH + " characters.");
        }
        Long amountCents = amount(data, PaymentsTopology.PAYMENT_SUCCEEDED.equals(type));
        return new PaymentEvent(dedupeKey, type, bookingId, paymentId, amountCents, optionalText(data, "currency"));
    }

    private static Long amount(JsonNode data, boolean required) {
        JsonNode amount = data.get("amountCents");
        if (amount == null || amount.isNull()) {
            if (required) {
                throw poison(PoisonMessageException.MISSING_FIELDS, "Field 'data.amountCents' is missing.");
            }
            return null;
        }
        if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() < 0) {
            throw poison(PoisonMessageException.INVALID_FIELDS,
                    "Field 'data.amountCents' must be a whole number of cents, not negative.");
        }
        return amount.longValue();
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw poison(PoisonMessageException.MISSING_FIELDS, "Field '" + path + "' is missing.");
        }
        if (!value.isTextual()) {
            throw poison(PoisonMessageException.INVALID_FIELDS, "Field '" + path + "' must be a string.");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    private static PoisonMessageException poison(String reason, String message) {
        return new PoisonMessageException(reason, message);
    }
}
