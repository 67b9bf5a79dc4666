package io.seatbooking.reliability.hostile;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.seatbooking.support.ErrorBodies;
import io.seatbooking.support.OpenApiContract;
import io.seatbooking.support.Tokens;

/** Regression tests for defects HttpFuzzTest and SchemaFuzzTest found, one per finding. */
@QuarkusTest
class FuzzFindingsTest {

    /** Found by HttpFuzzTest (seed 20261122, request #657): a NUL in a dead letter filter reached PostgreSQL and was a 500. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "reason", "routingKey" })
    void aNulCharacterInADeadLetterFilterIs400(String filter) {
        given().auth().oauth2(Tokens.admin()).queryParam(filter, "a\u0000b")
                .when().get("/api/admin/dead-letters")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    /**
     * Found by HttpFuzzTest (30 of 3000 requests): a {@code %} that starts no valid escape, in the
     * path or in the query, was refused by Vert.x with a bare 400 and no problem body.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "/api/bookings/%/cancel", "/api/bookings/%zz", "/api/shows?page=%", "/api/shows?page=%4" })
    void aBrokenPercentEscapeIs400WithAProblemBody(String target) throws Exception {
        String method = target.endsWith("/cancel") ? "POST" : "GET";
        RawHttp.Response response = new RawHttp(io.restassured.RestAssured.port).send(new RawHttp.Request(method, target,
                List.of(java.util.Map.entry("Authorization", "Bearer " + Tokens.admin())), new byte[0], false));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
        assertThat(response.text()).contains(PROBLEMS + "malformed-request");
        ErrorBodies.assertProblem(response.status(), response.header("content-type"), response.text());
    }

    /**
     * Found by SchemaFuzzTest: a time past the year 9999 (or before the year 0) is no RFC 3339
     * date-time, the format the document promises for every time. A show could start in the year
     * 10000 and was answered with a time no client parser accepts.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "+10000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z", "-001000-01-01T00:00:00Z" })
    void aTimeOutsideTheYears0To9999InABodyIs400(String startsAt) {
        given().filter(OpenApiContract.invalidRequest("a date-time outside RFC 3339's years"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Far future", "startsAt", startsAt, "seats", List.of("A1")))
                .when().post("/api/shows")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("startsAt"));
    }

    /** Found by SchemaFuzzTest: the same in a query parameter. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "+10000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z", "-001000-01-01T00:00:00Z" })
    void aTimeOutsideTheYears0To9999InAQueryIs400(String from) {
        given().filter(OpenApiContract.invalidRequest("a date-time outside RFC 3339's years"))
                .queryParam("from", from)
                .when().get("/api/shows")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    /** Found by SchemaFuzzTest: a time sent as a number (epoch seconds) was accepted; the document says a date-time text. */
    @Test
    void aTimeSentAsANumberIs400() {
        given().filter(OpenApiContract.invalidRequest("a number where a date-time text belongs"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("title", "Epoch", "startsAt", 4_102_444_800L, "seats", List.of("A1")))
                .when().post("/api/shows")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("startsAt"));
    }
}
