package io.seatbooking.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a parked letter failed of, in a form that groups letters of the same cause: the reason
 * slug, the exception type (the summary's leading class name), the message type (the AMQP type,
 * else the routing key) and the first application frame ({@code Class.method}, no line number, so
 * that a redeploy does not split a group). The {@link #id} is the first 16 hex digits of the MD5
 * of the four joined by {@code |}; migration V5 computes the same in SQL for older rows, so the
 * two must change together.
 *
 * @param reason why the letter was parked
 * @param exceptionType the exception's simple class name, or null (a poison message has none)
 * @param messageType the AMQP type, else the original routing key
 * @param origin the first application frame, or null when none travelled with the letter
 */
public record FailureFingerprint(String reason, String exceptionType, String messageType, String origin) {

    // The same pattern as migration V5: a Java identifier, dotted, up to ':' or the end.
    private static final Pattern EXCEPTION_TYPE = Pattern.compile("^([A-Za-z_$][A-Za-z0-9_$.]*)(:|$)");

    /** The fingerprint of a message that is about to be parked. */
    public static FailureFingerprint of(FailedMessage message, String origin) {
        return new FailureFingerprint(message.reason(), exceptionType(message.exceptionSummary()),
                message.messageType() != null ? message.messageType() : message.originalRoutingKey(),
                origin == null || origin.isBlank() ? null : origin);
    }

    /** The exception type at the start of a {@link FailureSummary} line, or null. */
    public static String exceptionType(String summary) {
        if (summary == null) {
            return null;
        }
        Matcher m = EXCEPTION_TYPE.matcher(summary);
        return m.find() ? m.group(1) : null;
    }

    /** The group id: 16 hex digits. */
    public String id() {
        String joined = reason + "|" + nullToEmpty(exceptionType) + "|" + nullToEmpty(messageType) + "|"
                + nullToEmpty(origin);
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(joined.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
