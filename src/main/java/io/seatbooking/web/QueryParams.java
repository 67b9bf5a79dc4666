package io.seatbooking.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;

import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;

/**
 * Parses query parameters taken as strings, so that a bad value is a 400 problem naming the
 * parameter (JAX-RS would answer 404 for a query parameter it cannot convert). An absent or blank
 * parameter is null, or the fallback.
 */
public final class QueryParams {

    private QueryParams() {
    }

    public static UUID uuid(String name, String value) {
        if (isAbsent(value)) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw bad(name + " must be a UUID.");
        }
    }

    public static int integer(String name, String value, int fallback) {
        if (isAbsent(value)) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name + " must be a whole number.");
        }
    }

    /** An optional integer: null when absent. */
    public static Integer optionalInteger(String name, String value) {
        return isAbsent(value) ? null : integer(name, value, 0);
    }

    public static Instant instant(String name, String value) {
        if (isAbsent(value)) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value);
            if (!RfcInstants.inRange(instant)) {
                throw bad(name + " must have a year from 0000 to 9999.");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw bad(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z.");
        }
    }

    public static <E extends Enum<E>> E enumValue(String name, String value, Class<E> type) {
        if (isAbsent(value)) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw bad(name + " must be one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name)
                    .collect(Collectors.joining(", ")) + ".");
        }
    }

    /** Free text; a NUL character (which PostgreSQL text cannot hold) is a 400, not a failed query. */
    public static String text(String name, String value) {
        if (isAbsent(value)) {
            return null;
        }
        if (value.indexOf('\u0000') >= 0) {
            throw bad(name + " must not contain a NUL character.");
        }
        return value;
    }

    private static boolean isAbsent(String value) {
        return value == null || value.isBlank();
    }

    private static ProblemException bad(String detail) {
        return ProblemException.of(ProblemType.MALFORMED_REQUEST, detail);
    }
}
