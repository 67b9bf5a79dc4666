package io.seatbooking.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;

/**
 * Parses query parameters taken as strings, so that a bad value is a 400 problem naming the
 * parameter (JAX-RS would answer 404 for a query parameter it cannot convert). An absent parameter
 * is null, or the fallback; an empty value of a typed parameter ({@code page=}, {@code from=}) is a
 * bad value, as the OpenAPI document has it, and only a blank text filter means no filter.
 */
public final class QueryParams {

    private QueryParams() {
    }

    public static UUID uuid(String name, String value) {
        if (value == null) {
            refuseEmpty(name);
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw bad(name + " must be a UUID.");
        }
    }

    public static int integer(String name, String value, int fallback) {
        if (value == null) {
            refuseEmpty(name);
            return fallback;
        }
        // Integer.parseInt also reads other scripts' digits ("\u0a6e" is 8); the document's integer is ASCII
        if (!value.chars().allMatch(c -> c < 0x80)) {
            throw bad(name + " must be a whole number.");
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name + " must be a whole number.");
        }
    }

    /** An optional integer: null when absent. */
    public static Integer optionalInteger(String name, String value) {
        if (value == null) {
            refuseEmpty(name);
            return null;
        }
        return integer(name, value, 0);
    }

    public static Instant instant(String name, String value) {
        if (value == null) {
            refuseEmpty(name);
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
        if (value == null) {
            refuseEmpty(name);
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
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.indexOf('\u0000') >= 0) {
            throw bad(name + " must not contain a NUL character.");
        }
        return value;
    }

    /**
     * Quarkus REST hands an empty query value ({@code page=}) to the resource as null, like an absent
     * parameter: the request itself tells them apart.
     */
    public static void refuseEmpty(String name) {
        ResteasyReactiveRequestContext request = CurrentRequestManager.get();
        if (request != null && request.serverRequest().queryParamNames().contains(name)) {
            throw bad(name + " must not be empty; leave it out for the default.");
        }
    }

    private static ProblemException bad(String detail) {
        return ProblemException.of(ProblemType.MALFORMED_REQUEST, detail);
    }
}
