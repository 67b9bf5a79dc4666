package io.seatbooking.web.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.seatbooking.support.Api;
import io.seatbooking.support.ErrorBodies;
import io.seatbooking.support.Tokens;

/**
 * Every endpoint against every kind of caller, with the exact status each must get. Reads of
 * shows and seat maps need no token (and ignore one); everything else needs a valid one; another
 * customer's booking is 404, never 403.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    /** Who calls, given the owner of the fixture's booking. */
    enum Caller {
        ANONYMOUS, OWNER, OTHER_CUSTOMER, ADMIN, EXPIRED_TOKEN, TOKEN_SIGNED_WITH_ANOTHER_KEY, TOKEN_FROM_ANOTHER_ISSUER,
        TOKEN_WITHOUT_ROLES;

        String token(Fixture fixture) {
            return switch (this) {
                case ANONYMOUS -> null;
                case OWNER -> Tokens.customer(fixture.ownerId());
                case OTHER_CUSTOMER -> Tokens.customer(Tokens.newCustomerId("other"));
                case ADMIN -> Tokens.admin();
                case EXPIRED_TOKEN -> Tokens.expired(fixture.ownerId());
                case TOKEN_SIGNED_WITH_ANOTHER_KEY -> Tokens.signedWithAnotherKey(fixture.ownerId());
                case TOKEN_FROM_ANOTHER_ISSUER -> Tokens.fromAnotherIssuer(fixture.ownerId());
                case TOKEN_WITHOUT_ROLES -> Tokens.withoutRoles(fixture.ownerId());
            };
        }
    }

    /** A show with four seats and a booking of A1 held by its owner. */
    record Fixture(String showId, String ownerId, String bookingId) {
    }

    enum Endpoint {
        CREATE_SHOW("POST /api/shows", (request, fixture) -> request.contentType(ContentType.JSON)
                .body(Map.of("title", "Matrix", "startsAt", "2030-01-01T20:00:00Z", "seats", List.of("A1")))
                .post("/api/shows")),
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
                .get("/api/bookings"));

        final String label;
        final BiFunction<RequestSpecification, Fixture, Response> call;

        Endpoint(String label, BiFunction<RequestSpecification, Fixture, Response> call) {
            this.label = label;
            this.call = call;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    // Columns in Caller order: anonymous, owner, other customer, admin, expired, other key, other issuer, no roles
    private static final Map<Endpoint, int[]> EXPECTED = Map.of(
            Endpoint.CREATE_SHOW, new int[] { 401, 403, 403, 201, 401, 401, 401, 403 },
            Endpoint.GET_SHOW, new int[] { 200, 200, 200, 200, 200, 200, 200, 200 },
            Endpoint.GET_SEAT_MAP, new int[] { 200, 200, 200, 200, 200, 200, 200, 200 },
            Endpoint.HOLD, new int[] { 401, 201, 201, 403, 401, 401, 401, 403 },
            Endpoint.CONFIRM, new int[] { 401, 200, 404, 200, 401, 401, 401, 403 },
            Endpoint.CANCEL, new int[] { 401, 200, 404, 200, 401, 401, 401, 403 },
            Endpoint.GET_BOOKING, new int[] { 401, 200, 404, 200, 401, 401, 401, 403 },
            Endpoint.LIST_BOOKINGS, new int[] { 401, 200, 200, 200, 401, 401, 401, 403 });

    @BeforeAll
    static void everyErrorIsAProblem() {
        ErrorBodies.guardEveryResponse();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.values()) {
            for (Caller caller : Caller.values()) {
                cases.add(Arguments.of(endpoint, caller, EXPECTED.get(endpoint)[caller.ordinal()]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @MethodSource("matrix")
    void callerGetsExactlyTheExpectedStatus(Endpoint endpoint, Caller caller, int expected) {
        String ownerId = Tokens.newCustomerId("owner");
        String showId = Api.createShow("A1", "A2", "A3", "A4");
        Fixture fixture = new Fixture(showId, ownerId, Api.holdSeats(Tokens.customer(ownerId), showId, "A1"));
        Map<String, String> seatsBefore = Api.seatStatuses(showId);

        RequestSpecification request = given();
        String token = caller.token(fixture);
        if (token != null) {
            request.auth().oauth2(token);
        }
        Response response = endpoint.call.apply(request, fixture);

        response.then().statusCode(expected);
        if (expected == 401) {
            response.then().header("WWW-Authenticate", equalTo("Bearer"));
        }
        if (expected >= 400) {
            // A refused caller changed nothing.
            assertThat(Api.seatStatuses(showId)).isEqualTo(seatsBefore);
            assertThat(Api.booking(Tokens.admin(), fixture.bookingId()).getString("status")).isEqualTo("HELD");
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
}
