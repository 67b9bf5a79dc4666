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

    /**
     * Found by SchemaFuzzTest (seed 20261202, requests #640, #766, #942): an empty typed query
     * parameter ({@code size=}, {@code from=}, {@code page=}) was read as absent; the document (and
     * the validator) has no empty integer, time, UUID or status.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "/api/shows size", "/api/shows page", "/api/shows from", "/api/shows to",
            "/api/bookings showId", "/api/bookings status", "/api/admin/dead-letters from",
            "/api/admin/dead-letters size", "/api/admin/dead-letters/groups by" })
    void anEmptyTypedQueryParameterIs400(String pathAndParameter) {
        String[] parts = pathAndParameter.split(" ");
        given().filter(OpenApiContract.invalidRequest("an empty " + parts[1]))
                .auth().oauth2(parts[0].contains("admin") ? Tokens.admin() : Tokens.customer("empty-params"))
                .queryParam(parts[1], "")
                .when().get(parts[0])
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString(parts[1]));
    }

    /** An empty text filter is no filter, as documented (and allowed by the document). */
    @Test
    void anEmptyTextFilterIsNoFilter() {
        given().queryParam("q", "").when().get("/api/shows").then().statusCode(200);
    }

    /**
     * Found by SchemaFuzzTest (request #643): a body over the size limit sent with a GET is a
     * {@code 413}, which the document listed only for operations that read a body.
     */
    @Test
    void aBodyOverTheLimitOnAGetIs413AsDocumented() {
        given().filter(OpenApiContract.invalidRequest("a body on an operation that reads none"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body("x".repeat(70_000))
                .when().get("/api/admin/dead-letters")
                .then().statusCode(413).body("type", equalTo(PROBLEMS + "payload-too-large"));
    }

    /**
     * Found by SchemaFuzzTest (request #2895): an empty time text ({@code "to": " "}) was read as no
     * time, so a bulk job started without the bound its operator typed.
     */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = { "", " " })
    void anEmptyTimeInABodyIs400(String to) {
        given().filter(OpenApiContract.invalidRequest("an empty date-time"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("action", "REPLAY", "reason", "fuzz-finding", "to", to))
                .when().post("/api/admin/dead-letters/bulk/preview")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("to"));
    }

    /**
     * Found by SchemaFuzzTest (request #2895, shrunk): an optional member sent as JSON null means
     * the same as leaving it out, as the service always read it; the document now says so. And the
     * filter answered carried an {@code empty} member that is no part of the API.
     */
    @Test
    void anOptionalMemberSentAsNullIsLeftOutAndTheFilterHasOnlyItsCriteria() {
        java.util.HashMap<String, Object> body = new java.util.HashMap<>();
        body.put("action", "REPLAY");
        body.put("reason", "fuzz-finding");
        body.put("to", null);
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/admin/dead-letters/bulk/preview")
                .then().statusCode(200).body("filter", equalTo(Map.of("reason", "fuzz-finding")));
    }

    /** Found by SchemaFuzzTest (seed 20261203, request #4458): a confirmation whose body is the JSON literal null was a 500. */
    @Test
    void aBodyThatIsJsonNullIs400() {
        given().filter(OpenApiContract.invalidRequest("null is no object"))
                .auth().oauth2(Tokens.customer("null-body")).contentType(ContentType.JSON).body("null")
                .when().post("/api/bookings/" + java.util.UUID.randomUUID() + "/confirm")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"));
    }

    /**
     * Found by SchemaFuzzTest (requests #607, #929): a JSON body labelled with a wildcard or a
     * malformed Content-Type was read; the document takes application/json only.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "*/*", "application/*", "application/json;;", "application/json; charset" })
    void aBodyNotLabelledApplicationJsonIs415(String contentType) {
        given().filter(OpenApiContract.invalidRequest("Content-Type " + contentType))
                .auth().oauth2(Tokens.admin()).contentType(contentType)
                .body("{\"title\":\"Mislabelled\",\"startsAt\":\"2031-01-01T20:00:00Z\",\"seats\":[\"A1\"]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/shows")
                .then().statusCode(415).body("type", equalTo(PROBLEMS + "unsupported-media-type"));
    }

    /** Found by SchemaFuzzTest (requests #1479, #3748): a GET with a Content-Type other than JSON was a 415; a GET reads no body. */
    @Test
    void aGetIgnoresContentType() {
        given().filter(OpenApiContract.invalidRequest("a body on an operation that reads none"))
                .contentType("application/xml").body("<x/>")
                .when().get("/api/shows")
                .then().statusCode(200);
    }

    /**
     * Found by SchemaFuzzTest (seed 20261202, 20,000 requests, #9241): a time text of digits
     * ({@code "from": "3"}) was read as epoch seconds (1970-01-01T00:00:03Z) and a bulk job started
     * with it; the document says an RFC 3339 date-time.
     */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = { "3", "1796341100", "-5" })
    void aTimeTextOfDigitsIs400(String from) {
        given().filter(OpenApiContract.invalidRequest("digits where a date-time text belongs"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("action", "REPLAY", "reason", "fuzz-finding", "from", from))
                .when().post("/api/admin/dead-letters/bulk")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("from"));
    }

    /**
     * Found by SchemaFuzzTest (seed 20261202, 20,000 requests, #12525): an empty
     * {@code Idempotency-Key} on a bulk job was read as no key (Quarkus REST hands an empty header
     * over as null), as it once was on holds.
     */
    @Test
    void anEmptyIdempotencyKeyOnABulkJobIs400() {
        given().filter(OpenApiContract.invalidRequest("an empty Idempotency-Key"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).header("Idempotency-Key", "")
                .body(Map.of("action", "REPLAY", "reason", "fuzz-finding-" + java.util.UUID.randomUUID()))
                .when().post("/api/admin/dead-letters/bulk")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("Idempotency-Key"));
    }

    /**
     * Found by SchemaFuzzTest (seed 20261202, 20,000 requests, #17585): a NUL character in a bulk
     * filter's text reached PostgreSQL and was a 500.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "reason", "messageType", "routingKey" })
    void aNulCharacterInABulkFilterIs422(String member) {
        given().filter(OpenApiContract.invalidRequest("a NUL character in a filter"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("action", "DISCARD", member, "a\u0000b"))
                .when().post("/api/admin/dead-letters/bulk/preview")
                .then().statusCode(422).body("type", equalTo(PROBLEMS + "invalid-request"))
                .body("errors[0].field", containsString(member));
    }

    /**
     * Found by SchemaFuzzTest (seed 20261202, 100,000 requests, #33663, #45195): a bulk job's
     * {@code "action": 0} was read as the enum's first constant (REPLAY) and a job started.
     */
    @Test
    void aNumberForAnEnumIs400() {
        given().filter(OpenApiContract.invalidRequest("a number where an enum name belongs"))
                .auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("action", 0, "reason", "fuzz-finding"))
                .when().post("/api/admin/dead-letters/bulk/preview")
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString("action"));
    }

    /**
     * Found by SchemaFuzzTest (seed 20261202, 100,000 requests, #43478): {@code size=\u0a6e} (a
     * Gurmukhi eight) was read as 8, since Integer.parseInt reads every script's digits.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "/api/admin/dead-letters size", "/api/shows page", "/api/bookings size" })
    void aWholeNumberInAnotherScriptIs400(String pathAndParameter) {
        String[] split = pathAndParameter.split(" ");
        given().filter(OpenApiContract.invalidRequest("digits of another script"))
                .auth().oauth2(Tokens.admin()).queryParam(split[1], "\u0a6e")
                .when().get(split[0])
                .then().statusCode(400).body("type", equalTo(PROBLEMS + "malformed-request"))
                .body("detail", containsString(split[1]));
    }
}
