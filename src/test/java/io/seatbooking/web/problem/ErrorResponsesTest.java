package io.seatbooking.web.problem;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.ErrorBodies.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.seatbooking.support.Api;
import io.seatbooking.support.OpenApiContract;

/** Errors that belong to no single endpoint: routing, content negotiation, unexpected failures. */
@QuarkusTest
class ErrorResponsesTest {

    @Test
    void unknownPathReturns404Problem() {
        given().filter(OpenApiContract.invalidRequest("a path the API does not have")).when().get("/api/no-such-thing")
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "not-found"));
    }

    @Test
    void unsupportedMethodReturns405Problem() {
        given().filter(OpenApiContract.invalidRequest("a method the path does not have"))
                .when().delete("/api/shows/{id}", UUID.randomUUID())
                .then().statusCode(405).body("type", equalTo(PROBLEMS + "method-not-allowed"));
    }

    @Test
    void unacceptableMediaTypeReturns406Problem() {
        String showId = Api.createShow("A1");

        given().filter(OpenApiContract.invalidRequest("a media type the API does not offer")).accept("text/html")
                .when().get("/api/shows/{id}", showId)
                .then().statusCode(406).body("type", equalTo(PROBLEMS + "not-acceptable"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "database", "bug" })
    void unexpectedFailureReturns500WithOnlyAnErrorId(String failure) {
        Response response = given().when().get("/api/test-only/failures/{kind}", failure);

        response.then().statusCode(500)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "internal-error"))
                .body("status", equalTo(500));
        assertThat(response.jsonPath().getMap("").keySet())
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "errorId");
        assertThat(UUID.fromString(response.path("errorId"))).isNotNull();
        assertThat(response.asString()).doesNotContain("booking_pkey", "23505", "Key (id)", "Cannot invoke", "null");
    }

    @Test
    void everyProblemTypeIsDocumented() throws IOException {
        String catalogue = Files.readString(Path.of("docs/api.md"));

        for (ProblemType type : ProblemType.values()) {
            assertThat(catalogue).as("docs/api.md documents %s", type).contains(type.uri().toString());
        }
    }
}
