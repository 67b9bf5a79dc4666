package io.seatbooking.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A class that opts out of the error-body guard is not checked, and only that class. */
@QuarkusTest
@AcceptsNonProblemErrors("its subject is the guard itself: it asks the test-only endpoint for a plain-text 418")
class ErrorBodyGuardOptOutTest {

    @Test
    void anOptedOutClassReceivesANonProblemErrorUnchecked() {
        assertThat(ErrorBodies.installed()).as("guard installed for this class").isFalse();

        given().when().get("/api/test-only/failures/not-a-problem")
                .then().statusCode(418).contentType("text/plain");
    }
}
