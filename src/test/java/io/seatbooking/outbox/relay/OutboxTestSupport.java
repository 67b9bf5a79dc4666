package io.seatbooking.outbox.relay;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/** Tokens and API calls for the outbox tests. */
final class OutboxTestSupport {

    private static final PrivateKey DEV_KEY = loadDevKey();

    private OutboxTestSupport() {
    }

    static String token(String subject, String... groups) {
        return Jwt.issuer("seat-booking-dev").subject(subject).groups(Set.of(groups)).expiresIn(3600)
                .sign(DEV_KEY);
    }

    static String admin() {
        return token("relay-test-admin", "admin");
    }

    /** Creates a show with one row of {@code seats} seats A1..An; answers its id. */
    static String createShow(int seats) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Relay test", "startsAt", "2030-01-01T20:00:00Z", "rows", List.of("A"),
                        "seatsPerRow", seats))
                .when().post("/api/shows")
                .then().statusCode(201).extract().path("id");
    }

    static String hold(String customerToken, String showId, String... seats) {
        return given().auth().oauth2(customerToken).contentType(ContentType.JSON)
                .body(Map.of("showId", showId, "seats", List.of(seats)))
                .when().post("/api/bookings")
                .then().statusCode(201).extract().path("id");
    }

    static void confirm(String customerToken, String bookingId) {
        given().auth().oauth2(customerToken).when().post("/api/bookings/{id}/confirm", bookingId)
                .then().statusCode(200);
    }

    static void cancel(String customerToken, String bookingId) {
        given().auth().oauth2(customerToken).when().post("/api/bookings/{id}/cancel", bookingId)
                .then().statusCode(200);
    }

    private static PrivateKey loadDevKey() {
        try {
            return KeyUtils.decodePrivateKey(Files.readString(Path.of("dev/keys/dev-only-private-key.pem")));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the development key", e);
        }
    }
}
