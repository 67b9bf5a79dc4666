package io.seatbooking.queue.rest;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.seatbooking.queue.service.QueueStatus;

/**
 * A customer's place in a show's queue, as JSON. Fields that do not apply to the state are left
 * out. The poll hint is a header ({@code Queue-Poll-After}), so that this body, and its ETag,
 * change only when the customer's situation does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueStatusView(UUID showId, String state, Long position, Long peopleAhead, Long estimatedWaitSeconds,
        Instant opensAt, String ticket, String admissionToken, Instant admissionExpiresAt) {

    static QueueStatusView of(QueueStatus status) {
        return new QueueStatusView(status.showId(), status.state(), status.position(), status.peopleAhead(),
                status.estimatedWait() == null ? null : status.estimatedWait().toSeconds(), status.opensAt(),
                status.ticket(), status.admissionToken(), status.admissionExpiresAt());
    }

    /** A weak tag of everything in the body. */
    String etag() {
        return "W/\"" + Integer.toHexString(hashCode()) + "\"";
    }
}
