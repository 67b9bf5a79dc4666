package io.seatbooking.security;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.support.Tokens;

/**
 * The clock-skew allowance (mp.jwt.verify.clock.skew, 30 s, docs/configuration.md): a token is
 * still accepted for that long after its {@code exp}, and no longer.
 */
@QuarkusTest
class TokenClockSkewTest {

    @Test
    void aTokenExpiredWithinTheAllowanceIsAccepted() {
        given().auth().oauth2(Tokens.expiredAgo("skew", Duration.ofSeconds(5)))
                .when().get("/api/bookings")
                .then().statusCode(200);
    }

    @Test
    void aTokenExpiredLongerThanTheAllowanceIs401() {
        given().auth().oauth2(Tokens.expiredAgo("skew", Duration.ofSeconds(45)))
                .when().get("/api/bookings")
                .then().statusCode(401).body("type", equalTo(PROBLEMS + "unauthorized"));
    }
}
