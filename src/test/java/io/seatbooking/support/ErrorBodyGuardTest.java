package io.seatbooking.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The error-body guard is in force in a test class that did nothing to ask for it, and it fails
 * a request whose error body is not a problem. If extension autodetection were ever turned off,
 * or the guard installed into the wrong copy of REST Assured, this test fails.
 */
@QuarkusTest
class ErrorBodyGuardTest {

    @Test
    void aNonProblemErrorBodyFailsTheRequestThatReceivedIt() {
        assertThat(ErrorBodies.installed()).as("guard installed for this class").isTrue();

        assertThatThrownBy(() -> given().when().get("/api/test-only/failures/not-a-problem"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("content type of a 418 response");
    }

    @Test
    void aProblemErrorBodyPasses() {
        given().filter(OpenApiContract.invalidRequest("a path the API does not have"))
                .when().get("/api/no-such-thing").then().statusCode(404);
    }
}
