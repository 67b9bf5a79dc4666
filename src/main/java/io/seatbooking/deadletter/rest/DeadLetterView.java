package io.seatbooking.deadletter.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterStatus;
import io.seatbooking.deadletter.FailedMessage;

/**
 * A parked message as the admin API shows it. Listings leave out {@code headers} and the payload;
 * a single letter has both, the payload as base64 and, when it is valid UTF-8, as text. {@code group}
 * is its failure fingerprint (docs/dead-letters.md); {@code resolvedByJob} the bulk job that
 * resolved it, if one did.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterView(
        UUID id,
        DeadLetterStatus status,
        String reason,
        String exceptionSummary,
        int attempts,
        String messageId,
        String messageType,
        String contentType,
        String sourceQueue,
        String originalExchange,
        String originalRoutingKey,
        Instant parkedAt,
        Instant resolvedAt,
        String resolvedBy,
        UUID replayEventId,
        UUID replayOf,
        int payloadBytes,
        String group,
        String exceptionType,
        String failureOrigin,
        UUID resolvedByJob,
        Map<String, Object> headers,
        String payloadBase64,
        String payloadText) {

    public static DeadLetterView summary(DeadLetter l) {
        return of(l, null, null, null);
    }

    public static DeadLetterView full(DeadLetter l) {
        byte[] payload = l.message().payload();
        return of(l, l.message().headers(), Base64.getEncoder().encodeToString(payload), utf8(payload));
    }

    private static DeadLetterView of(DeadLetter l, Map<String, Object> headers, String base64, String text) {
        FailedMessage m = l.message();
        return new DeadLetterView(l.id(), l.status(), m.reason(), m.exceptionSummary(), m.attempts(), m.messageId(),
                m.messageType(), m.contentType(), m.sourceQueue(), m.originalExchange(), m.originalRoutingKey(),
                l.parkedAt(), l.resolvedAt(), l.resolvedBy(), l.replayEventId(), l.replayOf(), l.payloadBytes(),
                l.fingerprint().id(), l.fingerprint().exceptionType(), l.fingerprint().origin(), l.resolvedByJob(),
                headers, base64, text);
    }

    /** The payload as text if it is valid UTF-8, else null. */
    static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
