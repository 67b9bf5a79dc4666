package io.seatbooking.web.idempotency;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/**
 * A complete HTTP response as bytes: what a request answered, kept so that a repeat of it can
 * be answered identically.
 *
 * @param status the status code
 * @param contentType the media type of the body
 * @param headers other headers that belong to the answer (Location, ETag)
 * @param body the body bytes
 */
public record StoredResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    public StoredResponse {
        headers = Map.copyOf(headers);
    }

    /** The same response with one more header. */
    public StoredResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new StoredResponse(status, contentType, copy, body);
    }

    public Response toResponse() {
        Response.ResponseBuilder builder = Response.status(status).type(contentType).entity(body);
        headers.forEach(builder::header);
        return builder.build();
    }
}
