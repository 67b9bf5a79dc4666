package io.seatbooking.booking.rest;

import java.util.Map;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.booking.Booking;
import io.seatbooking.booking.BookingView;
import io.seatbooking.web.idempotency.StoredResponse;

/** Renders booking results as complete responses (so that idempotent repeats can replay them). */
@Singleton
public class BookingResponses {

    /** The one JSON media type every 2xx body of the API is sent as (docs/api.md). */
    public static final String JSON = "application/json;charset=UTF-8";

    private final ObjectMapper json;

    public BookingResponses(ObjectMapper json) {
        this.json = json;
    }

    /** 201 with Location and ETag. */
    public StoredResponse created(Booking booking) {
        return new StoredResponse(201, JSON,
                Map.of(HttpHeaders.LOCATION, "/api/bookings/" + booking.id, HttpHeaders.ETAG, etag(booking)),
                body(booking));
    }

    /** 200 with ETag. */
    public StoredResponse ok(Booking booking) {
        return new StoredResponse(200, JSON, Map.of(HttpHeaders.ETAG, etag(booking)),
                body(booking));
    }

    /** The booking's strong entity tag: its version. */
    public static String etag(Booking booking) {
        return "\"" + booking.version + "\"";
    }

    private byte[] body(Booking booking) {
        try {
            return json.writeValueAsBytes(BookingView.of(booking));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Booking cannot be serialised", e);
        }
    }
}
