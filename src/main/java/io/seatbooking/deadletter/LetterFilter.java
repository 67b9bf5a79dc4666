package io.seatbooking.deadletter;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which parked letters a bulk job acts on; null members do not restrict. A job needs at least
 * one member, so that "everything" is never one click away.
 *
 * @param group a failure fingerprint ({@link FailureFingerprint#id})
 * @param reason a reason slug
 * @param messageType the AMQP type, else the routing key
 * @param routingKey the original routing key
 * @param from parked at or after
 * @param to parked before
 */
@JsonInclude(JsonInclude.Include.NON_NULL) // a criterion not given is absent, as the document says
public record LetterFilter(String group, String reason, String messageType, String routingKey, Instant from,
        Instant to) {

    /** Whether nothing restricts it (not a member of the JSON). */
    @JsonIgnore
    public boolean isEmpty() {
        return group == null && reason == null && messageType == null && routingKey == null && from == null
                && to == null;
    }
}
