package io.seatbooking.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.seatbooking.web.problem.ProblemType;

/**
 * The OpenAPI document is the contract and every REST Assured test is held to it: the check is
 * in force in a class that did nothing to ask for it, a request or a response that drifts from
 * the document fails, and the document itself says what every operation shares (problem
 * responses, the bearer scheme, 503 with Retry-After).
 */
@QuarkusTest
class OpenApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRequestTheDocumentDoesNotAllowFailsUnlessMarkedDeliberate() {
        assertThat(OpenApiContract.installed()).as("contract check installed for this class").isTrue();
        String customer = Tokens.customer(Tokens.newCustomerId("contract"));
        String showId = Api.createShow("A1");

        assertThatThrownBy(() -> given().auth().oauth2(customer).contentType(ContentType.JSON)
                .body(Map.of("showId", showId)).when().post("/api/bookings"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("breaks the OpenAPI contract")
                .hasMessageContaining("seats");

        given().filter(OpenApiContract.invalidRequest("the required seats are missing")).auth().oauth2(customer)
                .contentType(ContentType.JSON).body(Map.of("showId", showId))
                .when().post("/api/bookings")
                .then().statusCode(422);
    }

    @Test
    void aResponseTheDocumentDoesNotListIsReported() {
        String base = "http://localhost:" + RestAssured.port;
        var validator = OpenApiContract.validator(base);

        var undocumentedStatus = validator.validateResponse("/api/shows/0190a0b0-0000-7000-8000-000000000000",
                Request.Method.GET, SimpleResponse.Builder.status(418).build());
        var wrongBody = validator.validateResponse("/api/shows/0190a0b0-0000-7000-8000-000000000000",
                Request.Method.GET, SimpleResponse.Builder.ok().withContentType("application/json")
                        .withHeader("ETag", "\"1\"").withBody("{\"id\": 42, \"capacity\": \"many\"}").build());
        var problemAsJson = validator.validateResponse("/api/shows/0190a0b0-0000-7000-8000-000000000000",
                Request.Method.GET, SimpleResponse.Builder.status(404).withContentType("application/json")
                        .withBody("{}").build());

        assertThat(undocumentedStatus.hasErrors()).as("418 is not documented").isTrue();
        assertThat(wrongBody.hasErrors()).as("a body that breaks the show schema").isTrue();
        assertThat(problemAsJson.hasErrors()).as("a 404 that is not a problem").isTrue();
    }

    @Test
    void everyErrorResponseOfEveryOperationIsAProblemAnd503SaysRetryAfter() throws Exception {
        JsonNode api = JSON.readTree(OpenApiContract.document("http://localhost:" + RestAssured.port));
        List<String> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                String name = op.getKey() + " " + path.getKey();
                operations.add(name);
                JsonNode responses = op.getValue().path("responses");
                assertThat(responses.has("500")).as("%s documents 500", name).isTrue();
                assertThat(responses.path("503").path("headers").has("Retry-After")).as("%s: 503 with Retry-After", name)
                        .isTrue();
                for (Iterator<Map.Entry<String, JsonNode>> codes = responses.fields(); codes.hasNext();) {
                    Map.Entry<String, JsonNode> code = codes.next();
                    if (code.getKey().startsWith("4") || code.getKey().startsWith("5")) {
                        assertThat(code.getValue().path("content").path("application/problem+json").path("schema")
                                .path("$ref").asText()).as("%s %s", name, code.getKey())
                                .isEqualTo("#/components/schemas/Problem");
                    }
                }
                if (op.getValue().has("security")) {
                    assertThat(responses.has("401") && responses.has("403")).as("%s: 401 and 403", name).isTrue();
                }
            }
        }
        assertThat(operations).hasSizeGreaterThanOrEqualTo(20);
        assertThat(api.at("/paths/~1api~1bookings/post/responses").has("201")).as("a hold is 201").isTrue();
        assertThat(api.at("/paths/~1api~1admin~1dead-letters~1{id}~1replay/post/responses").has("202"))
                .as("a replay is 202").isTrue();
        assertThat(api.at("/paths/~1api~1shows~1{showId}~1seats/get/responses").has("304")).as("seat map 304").isTrue();
        assertThat(api.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        List<String> types = new ArrayList<>();
        api.at("/components/schemas/Problem/properties/type/enum").forEach(t -> types.add(t.asText()));
        for (ProblemType type : ProblemType.values()) {
            assertThat(types).contains(type.uri().toString());
        }
    }

    @Test
    void swaggerUiIsServedOutsideProduction() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
