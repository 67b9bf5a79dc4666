package io.seatbooking.web;

import java.util.Set;

import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.NotSupportedException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;

/**
 * Reads a request body that may be absent. An empty body means "no body" whatever the
 * Content-Type says (many clients label an empty POST text/plain); a non-empty one must be JSON,
 * and is parsed and validated with the same rules and error answers as any other body.
 */
@Singleton
public class OptionalJsonBody {

    private final ObjectMapper json;
    private final Validator validator;

    public OptionalJsonBody(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** The parsed body, or null when there is none. */
    public <T> T read(String body, String contentType, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        if (contentType != null && !JsonContentType.isJson(contentType)) {
            throw new NotSupportedException();
        }
        T value;
        try {
            value = json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new BodyException(e);
        }
        if (value == null) {
            // the JSON literal null: no object to read (the document's body is an object)
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST, "The body must be a JSON object.");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return value;
    }

    /** A body that is not valid JSON for its type; answered 400 like any other. */
    public static final class BodyException extends RuntimeException {
        private final transient JsonProcessingException cause;

        BodyException(JsonProcessingException cause) {
            super(null, null, false, false);
            this.cause = cause;
        }

        public JsonProcessingException json() {
            return cause;
        }
    }
}
