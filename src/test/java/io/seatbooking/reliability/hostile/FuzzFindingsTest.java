package io.seatbooking.reliability.hostile;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.support.Tokens;

/** Regression tests for defects HttpFuzzTest found, one per finding. */
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
}
