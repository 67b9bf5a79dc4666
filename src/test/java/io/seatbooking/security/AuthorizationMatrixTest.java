package io.seatbooking.security;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.reliability.hostile.Figures;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.ErrorBodies;
import io.seatbooking.support.PaymentMessages;
import io.seatbooking.support.Tokens;

/**
 * Every endpoint against every kind of caller, with the exact status each must get. Reads of
 * shows and seat maps need no token (and ignore one); everything else needs a valid one; another
 * customer's booking is 404, never 403, and looks exactly like a booking that does not exist.
 *
 * <p>Callers come in two kinds: real identities (anonymous, owner, another customer, admin, a
 * token without roles), whose column is pinned cell by cell in {@link #EXPECTED}; and bad tokens
 * (expired, another key, another issuer, {@code alg: none}, tampered payload, HS256 keyed with
 * the public key, not yet valid, issued in the future), each of which must be treated exactly like no token at all.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    private static int casesRun;

    /** Who calls, given the owner of the fixture's booking. */
    enum Caller {
        ANONYMOUS, OWNER, OTHER_CUSTOMER, ADMIN, TOKEN_WITHOUT_ROLES,
        // Bad tokens: each must be answered as if there were no token.
        EXPIRED_TOKEN, TOKEN_SIGNED_WITH_ANOTHER_KEY, TOKEN_FROM_ANOTHER_ISSUER, ALG_NONE, TAMPERED_PAYLOAD,
        HS256_WITH_PUBLIC_KEY_PEM, HS256_WITH_PUBLIC_KEY_DER, NOT_YET_VALID, ISSUED_IN_THE_FUTURE;

        String token(Fixture fixture) {
            return switch (this) {
                case ANONYMOUS -> null;
                case OWNER -> Tokens.customer(fixture.ownerId());
                case OTHER_CUSTOMER -> Tokens.customer(Tokens.newCustomerId("other"));
                case ADMIN -> Tokens.admin();
                case TOKEN_WITHOUT_ROLES -> Tokens.withoutRoles(fixture.ownerId());
                case EXPIRED_TOKEN -> Tokens.expired(fixture.ownerId());
                case TOKEN_SIGNED_WITH_ANOTHER_KEY -> Tokens.signedWithAnotherKey(fixture.ownerId());
                case TOKEN_FROM_ANOTHER_ISSUER -> Tokens.fromAnotherIssuer(fixture.ownerId());
                case ALG_NONE -> Tokens.algNone(fixture.ownerId());
                case TAMPERED_PAYLOAD -> Tokens.tamperedPayload(fixture.ownerId());
                case HS256_WITH_PUBLIC_KEY_PEM -> Tokens.hs256WithPublicKeyAsSecret(fixture.ownerId());
                case HS256_WITH_PUBLIC_KEY_DER -> Tokens.hs256WithPublicKeyDerAsSecret(fixture.ownerId());
                case NOT_YET_VALID -> Tokens.notYetValid(fixture.ownerId());
                case ISSUED_IN_THE_FUTURE -> Tokens.issuedInTheFuture(fixture.ownerId());
            };
        }

        /** The column this caller's expectation is read from: bad tokens read the anonymous one. */
        int column() {
            return ordinal() <= TOKEN_WITHOUT_ROLES.ordinal() ? ordinal() : ANONYMOUS.ordinal();
        }
    }

    /** A show with four seats, a booking of A1 held by its owner, and (for admin endpoints) a parked dead letter. */
    record Fixture(String showId, String ownerId, String bookingId, String letterId) {
    }

    enum Endpoint {
        CREATE_SHOW("POST /api/shows", (request, fixture) -> request.contentType(ContentType.JSON)
                .body(Map.of("title", "Matrix", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1")))
                .post("/api/shows")),
        LIST_SHOWS("GET /api/shows", (request, fixture) -> request.queryParam("size", 1).get("/api/shows")),
        CHANGE_SHOW("PATCH /api/shows/{id}", (request, fixture) -> request.contentType(ContentType.JSON)
                .header("If-Match", "\"1\"").body(Map.of("title", "Matrix renamed"))
                .patch("/api/shows/{id}", fixture.showId())),
        CANCEL_SHOW("POST /api/shows/{id}/cancel", (request, fixture) -> request
                .post("/api/shows/{id}/cancel", fixture.showId())),
        GET_SHOW("GET /api/shows/{id}", (request, fixture) -> request.get("/api/shows/{id}", fixture.showId())),
        GET_SEAT_MAP("GET /api/shows/{id}/seats", (request, fixture) -> request.get("/api/shows/{id}/seats", fixture.showId())),
        HOLD("POST /api/bookings", (request, fixture) -> request.contentType(ContentType.JSON)
                .body(Map.of("showId", fixture.showId(), "seats", List.of("A2")))
                .post("/api/bookings")),
        CONFIRM("POST /api/bookings/{id}/confirm", (request, fixture) -> request.contentType(ContentType.JSON)
                .post("/api/bookings/{id}/confirm", fixture.bookingId())),
        CANCEL("POST /api/bookings/{id}/cancel", (request, fixture) -> request.contentType(ContentType.JSON)
                .post("/api/bookings/{id}/cancel", fixture.bookingId())),
        GET_BOOKING("GET /api/bookings/{id}", (request, fixture) -> request.get("/api/bookings/{id}", fixture.bookingId())),
        LIST_BOOKINGS("GET /api/bookings", (request, fixture) -> request.queryParam("showId", fixture.showId())
                .get("/api/bookings")),
        CONFIGURE_QUEUE("PUT /api/shows/{id}/queue", (request, fixture) -> request.contentType(ContentType.JSON)
                .body(Map.of("opensAt", "2030-01-01T18:00:00Z")).put("/api/shows/{id}/queue", fixture.showId())),
        JOIN_QUEUE("POST /api/shows/{id}/queue", (request, fixture) -> request
                .post("/api/shows/{id}/queue", fixture.showId())),
        QUEUE_STATUS("GET /api/shows/{id}/queue", (request, fixture) -> request
                .get("/api/shows/{id}/queue", fixture.showId())),
        LIST_DEAD_LETTERS("GET /api/admin/dead-letters", (request, fixture) -> request.queryParam("size", 1)
                .get("/api/admin/dead-letters")),
        GET_DEAD_LETTER("GET /api/admin/dead-letters/{id}", (request, fixture) -> request
                .get("/api/admin/dead-letters/{id}", fixture.letterId())),
        REPLAY_DEAD_LETTER("POST /api/admin/dead-letters/{id}/replay", (request, fixture) -> request
                .post("/api/admin/dead-letters/{id}/replay", fixture.letterId())),
        DISCARD_DEAD_LETTER("DELETE /api/admin/dead-letters/{id}", (request, fixture) -> request
                .delete("/api/admin/dead-letters/{id}", fixture.letterId())),
        DEAD_LETTER_GROUPS("GET /api/admin/dead-letters/groups", (request, fixture) -> request.queryParam("size", 1)
                .get("/api/admin/dead-letters/groups")),
        PREVIEW_BULK("POST /api/admin/dead-letters/bulk/preview", (request, fixture) -> request
                .contentType(ContentType.JSON).body(Map.of("action", "DISCARD", "group", "0000000000000000"))
                .post("/api/admin/dead-letters/bulk/preview")),
        LIST_BULK_JOBS("GET /api/admin/dead-letters/bulk", (request, fixture) -> request.queryParam("size", 1)
                .get("/api/admin/dead-letters/bulk"));

        final String label;
        final BiFunction<RequestSpecification, Fixture, Response> call;

        Endpoint(String label, BiFunction<RequestSpecification, Fixture, Response> call) {
            this.label = label;
            this.call = call;
        }

        boolean needsLetter() {
            return label.contains("/admin/");
        }

        boolean isPublic() {
            return this == LIST_SHOWS || this == GET_SHOW || this == GET_SEAT_MAP;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    // Columns: anonymous, owner, other customer, admin, token without roles. Every bad token reads
    // the anonymous column (Caller.column).
    private static final Map<Endpoint, int[]> EXPECTED = Map.ofEntries(
            Map.entry(Endpoint.CREATE_SHOW, new int[] { 401, 403, 403, 201, 403 }),
            Map.entry(Endpoint.LIST_SHOWS, new int[] { 200, 200, 200, 200, 200 }),
            Map.entry(Endpoint.CHANGE_SHOW, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.CANCEL_SHOW, new int[] { 401, 403, 403, 202, 403 }),
            Map.entry(Endpoint.GET_SHOW, new int[] { 200, 200, 200, 200, 200 }),
            Map.entry(Endpoint.GET_SEAT_MAP, new int[] { 200, 200, 200, 200, 200 }),
            Map.entry(Endpoint.HOLD, new int[] { 401, 201, 201, 403, 403 }),
            Map.entry(Endpoint.CONFIRM, new int[] { 401, 200, 404, 200, 403 }),
            Map.entry(Endpoint.CANCEL, new int[] { 401, 200, 404, 200, 403 }),
            Map.entry(Endpoint.GET_BOOKING, new int[] { 401, 200, 404, 200, 403 }),
            Map.entry(Endpoint.LIST_BOOKINGS, new int[] { 401, 200, 200, 200, 403 }),
            // The fixture's show has no waiting room: a customer learns that (404), nobody else may ask.
            Map.entry(Endpoint.CONFIGURE_QUEUE, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.JOIN_QUEUE, new int[] { 401, 404, 404, 403, 403 }),
            Map.entry(Endpoint.QUEUE_STATUS, new int[] { 401, 404, 404, 403, 403 }),
            Map.entry(Endpoint.LIST_DEAD_LETTERS, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.GET_DEAD_LETTER, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.REPLAY_DEAD_LETTER, new int[] { 401, 403, 403, 202, 403 }),
            Map.entry(Endpoint.DISCARD_DEAD_LETTER, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.DEAD_LETTER_GROUPS, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.PREVIEW_BULK, new int[] { 401, 403, 403, 200, 403 }),
            Map.entry(Endpoint.LIST_BULK_JOBS, new int[] { 401, 403, 403, 200, 403 }));

    @AfterAll
    static void printFigures() {
        Figures.print(String.format("property=authorization-matrix callers=%d endpoints=%d cells=%d "
                + "malformedBearerValues=%d requestsChecked=%d", Caller.values().length, Endpoint.values().length,
                Caller.values().length * Endpoint.values().length,
                Tokens.malformedAuthorizations("x").size(), casesRun));
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.values()) {
            for (Caller caller : Caller.values()) {
                cases.add(Arguments.of(endpoint, caller, EXPECTED.get(endpoint)[caller.column()]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @MethodSource("matrix")
    void callerGetsExactlyTheExpectedStatus(Endpoint endpoint, Caller caller, int expected) {
        Fixture fixture = fixture(endpoint.needsLetter());
        State before = State.of(fixture);

        RequestSpecification request = given();
        String token = caller.token(fixture);
        if (token != null) {
            request.auth().oauth2(token);
        }
        Response response = endpoint.call.apply(request, fixture);
        casesRun++;

        response.then().statusCode(expected);
        assertRefusalShape(response, expected);
        if (expected >= 400) {
            // A refused caller changed nothing.
            assertThat(State.of(fixture)).isEqualTo(before);
        }
        if (endpoint == Endpoint.LIST_BOOKINGS && expected == 200) {
            // Customers see only their own bookings; admins see everyone's.
            List<String> listed = response.jsonPath().getList("items.id");
            if (caller == Caller.OTHER_CUSTOMER) {
                assertThat(listed).isEmpty();
            } else {
                assertThat(listed).containsExactly(fixture.bookingId());
            }
        }
    }

    /**
     * Authorization values that are no bearer token at all (no token after the scheme, two of
     * three parts, a valid token with bytes added or cut, standard Base64, another scheme, a
     * token with a space in it, ...): 401 on every protected endpoint, ignored on public reads.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Endpoint.class)
    void malformedBearerStringsAreTreatedAsNoToken(Endpoint endpoint) {
        Fixture fixture = fixture(endpoint.needsLetter());
        State before = State.of(fixture);
        int expected = EXPECTED.get(endpoint)[Caller.ANONYMOUS.column()];

        List<String> malformed = Tokens.malformedAuthorizations(fixture.ownerId());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < malformed.size(); i++) {
            Response response = endpoint.call.apply(given().header("Authorization", malformed.get(i)), fixture);
            casesRun++;
            if (response.statusCode() != expected) {
                wrong.add("#" + i + " -> " + response.statusCode() + ": " + malformed.get(i));
            } else {
                assertRefusalShape(response, expected);
            }
        }
        assertThat(wrong).as("malformed Authorization values answered otherwise than %d", expected).isEmpty();
        assertThat(State.of(fixture)).isEqualTo(before);
    }

    /**
     * A customer reaching for another customer's booking learns nothing: the 404 is the very
     * same problem a booking id that never existed gets, on every booking endpoint, even with an
     * If-Match that would otherwise be a 412 and with an Idempotency-Key.
     */
    @Test
    void anotherCustomersBookingIsIndistinguishableFromANonexistentOne() {
        Fixture fixture = fixture(false);
        State before = State.of(fixture);
        String stranger = Tokens.customer(Tokens.newCustomerId("stranger"));
        String nobodys = UUID.randomUUID().toString();

        for (String path : List.of("/api/bookings/{id}", "/api/bookings/{id}/confirm", "/api/bookings/{id}/cancel")) {
            boolean post = !path.equals("/api/bookings/{id}");
            for (Map<String, String> headers : List.of(Map.<String, String> of(), Map.of("If-Match", "\"999\""),
                    Map.of("If-Match", "\"1\""), Map.of("Idempotency-Key", "fresh per request"))) {
                Map<String, Object> answers = new LinkedHashMap<>();
                for (String id : List.of(fixture.bookingId(), nobodys)) {
                    Map<String, String> sent = new LinkedHashMap<>(headers);
                    sent.replaceAll((name, value) -> name.equals("Idempotency-Key") ? "k-" + UUID.randomUUID() : value);
                    RequestSpecification request = given().auth().oauth2(stranger).headers(sent);
                    Response response = post ? request.post(path, id) : request.get(path, id);
                    casesRun++;
                    response.then().statusCode(404).body("type", equalTo(PROBLEMS + "booking-not-found"));
                    // Everything but the id-free fields must match: strip the id where it appears.
                    answers.put(id == nobodys ? "nonexistent" : "another's",
                            List.of(response.statusCode(), response.contentType(),
                                    response.asString().replace(id, "<id>"), response.headers().hasHeaderWithName("ETag")));
                }
                assertThat(answers.get("another's")).as("%s %s", path, headers).isEqualTo(answers.get("nonexistent"));
            }
        }
        assertThat(State.of(fixture)).isEqualTo(before);
    }

    /** A 401 says only that a valid token is needed: no verifier message, no claim, no key detail. */
    @Test
    void unauthorizedAnswersRevealNothingAboutWhyTheTokenFailed() {
        Fixture fixture = fixture(false);
        List<String> bodies = new ArrayList<>();
        for (Caller caller : Caller.values()) {
            if (caller.column() != Caller.ANONYMOUS.column() || caller == Caller.ANONYMOUS) {
                continue;
            }
            Response response = given().auth().oauth2(caller.token(fixture)).get("/api/bookings/{id}", fixture.bookingId());
            casesRun++;
            response.then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer"));
            bodies.add(response.asString());
        }
        // Every bad token gets the same answer, so the answer cannot tell an attacker which check failed.
        assertThat(bodies).allSatisfy(body -> {
            assertThat(body).isEqualTo(bodies.get(0));
            assertThat(body).doesNotContainIgnoringCase("signature").doesNotContainIgnoringCase("expired")
                    .doesNotContainIgnoringCase("issuer").doesNotContainIgnoringCase("jose4j")
                    .doesNotContainIgnoringCase("alg");
        });
    }

    /**
     * smallrye-jwt checks {@code exp}, {@code nbf} and {@code iat <= exp}, but not whether {@code iat}
     * lies in the future; the service adds that check (security/IssuedAtCheckingPrincipalFactory),
     * so a token "issued" an hour from now is refused (a column of the matrix above), while one
     * issued within the allowed clock skew (60 s) is accepted: the issuer's clock may run a little ahead.
     */
    @Test
    void aTrustedTokenIssuedWithinTheClockSkewIsAccepted() {
        Fixture fixture = fixture(false);
        casesRun++;
        given().auth().oauth2(Tokens.issuedAhead(fixture.ownerId(), java.time.Duration.ofSeconds(20)))
                .get("/api/bookings/{id}", fixture.bookingId())
                .then().statusCode(200);
    }

    /**
     * Also the genuine token, not a malformed one: its signature re-encoded in standard Base64,
     * or with a space inside it. jose4j decodes Base64 leniently, so the signature bytes are the
     * issuer's, over the issuer's header and payload; nothing an attacker could not send anyway.
     */
    @Test
    void theGenuineTokenWithItsSignatureReEncodedIsStillTheGenuineToken() {
        Fixture fixture = fixture(false);
        String token = Tokens.customer(fixture.ownerId());
        int signature = token.lastIndexOf('.') + 1;
        String standard = token.substring(0, signature) + token.substring(signature).replace('-', '+').replace('_', '/');
        String spaced = token.substring(0, signature + 10) + " " + token.substring(signature + 10);
        for (String variant : List.of(standard, spaced)) {
            casesRun++;
            given().header("Authorization", "Bearer " + variant).get("/api/bookings/{id}", fixture.bookingId())
                    .then().statusCode(200).body("customerId", equalTo(fixture.ownerId()));
        }
    }

    private static void assertRefusalShape(Response response, int expected) {
        if (expected == 401) {
            response.then().header("WWW-Authenticate", equalTo("Bearer"));
        }
        if (expected >= 400) {
            ErrorBodies.assertProblem(response.statusCode(), response.contentType(), response.asString());
        }
    }

    private static Fixture fixture(boolean withLetter) {
        String ownerId = Tokens.newCustomerId("owner");
        String showId = Api.createShow("A1", "A2", "A3", "A4");
        String bookingId = Api.holdSeats(Tokens.customer(ownerId), showId, "A1");
        return new Fixture(showId, ownerId, bookingId, withLetter ? parkedLetter() : UUID.randomUUID().toString());
    }

    /** Publishes a body that is not JSON and waits until it is parked; answers the letter id. */
    private static String parkedLetter() {
        String messageId = "matrix-" + UUID.randomUUID();
        return PaymentMessages.parkedPoison(PaymentsTopology.PAYMENT_SUCCEEDED, messageId, "not json " + messageId,
                Map.of());
    }

    /**
     * What a refused request could have touched, read from the database: the fixture show's seats,
     * its bookings, the outbox rows about the show, its bookings and the letter, the letter, the
     * show itself (title, version, cancellation), and its waiting room and tickets.
     */
    record State(List<Map<String, Object>> show, List<Map<String, Object>> seats, List<Map<String, Object>> bookings,
            long outboxRows, List<Map<String, Object>> letter, long queueRows) {

        static State of(Fixture fixture) {
            return new State(
                    Db.rows("SELECT title, version, cancelled_at FROM show WHERE id = ?::uuid", fixture.showId()),
                    Db.rows("SELECT label, status, booking_id, version FROM seat WHERE show_id = ?::uuid ORDER BY label",
                            fixture.showId()),
                    Db.rows("SELECT id, status, version, payment_reference FROM booking WHERE show_id = ?::uuid ORDER BY id",
                            fixture.showId()),
                    Db.outboxRowsOfShow(fixture.showId())
                            + Db.count("SELECT count(*) FROM outbox_event WHERE subject = ?", "dead-letter/" + fixture.letterId()),
                    Db.rows("SELECT status, resolved_at, resolved_by FROM dead_letter WHERE id = ?::uuid", fixture.letterId()),
                    Db.count("SELECT (SELECT count(*) FROM waiting_room WHERE show_id = ?::uuid)"
                            + " + (SELECT count(*) FROM queue_ticket WHERE show_id = ?::uuid)", fixture.showId(),
                            fixture.showId()));
        }
    }
}
