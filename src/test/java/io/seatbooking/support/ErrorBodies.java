package io.seatbooking.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.path.json.JsonPath;

/**
 * Checks every error response a test receives, whatever the test itself asserts: it must be an
 * RFC 9457 problem whose status matches the HTTP status, and it must not carry internals (stack
 * traces, Java class names, SQL). As a REST Assured filter it fails the request that received
 * such a body; {@link ErrorBodyGuard} installs it around every test class. Tests that send
 * requests another way (java.net.http, raw sockets) call {@link #assertProblem} themselves.
 */
public final class ErrorBodies implements Filter {

    /** The prefix of every problem type URI the service uses. */
    public static final String PROBLEMS = "https://seat-booking.dev/problems/";

    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Fragments that would mean internals reached a client. Case-sensitive on purpose. */
    public static final List<String> LEAKS = List.of("Exception", "Caused by", "\tat ", ".java:", "java.", "javax.",
            "jakarta.", "io.vertx", "io.quarkus", "io.seatbooking", "io.smallrye", "org.hibernate", "org.jboss",
            "org.postgresql", "com.fasterxml", "SQLSTATE", "SELECT ", "INSERT INTO", "UPDATE seat", "UPDATE booking",
            "DELETE FROM", " WHERE ", "violates", "constraint", "relation \"");

    /**
     * Adds the check to REST Assured's global filters, once, keeping any other filter. Called by
     * {@link ErrorBodyGuard} in the test class's own class loader: that is the REST Assured the
     * class's requests go through.
     */
    public static void install() {
        if (!installed()) {
            RestAssured.filters(new ErrorBodies());
        }
    }

    /** Removes the check from REST Assured's global filters, keeping any other filter. */
    public static void uninstall() {
        List<Filter> others = new ArrayList<>(RestAssured.filters());
        others.removeIf(ErrorBodies.class::isInstance);
        RestAssured.replaceFiltersWith(others);
    }

    /** Whether the check is among REST Assured's global filters now. */
    public static boolean installed() {
        return RestAssured.filters().stream().anyMatch(ErrorBodies.class::isInstance);
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        Response answer = context.next(request, response);
        if (answer.statusCode() >= 400) {
            assertProblem(answer.statusCode(), answer.contentType(), answer.asString());
        }
        return answer;
    }

    /** Asserts that an error response is a problem without internals. */
    public static void assertProblem(int status, String contentType, String body) {
        assertThat(contentType).as("content type of a %d response", status).startsWith("application/problem+json");
        assertNoDuplicateMembers(body);
        JsonPath problem = JsonPath.from(body);
        assertThat(problem.getString("type")).as("problem type").startsWith(PROBLEMS);
        assertThat(problem.getString("title")).as("problem title").isNotBlank();
        assertThat(problem.getInt("status")).as("problem status").isEqualTo(status);
        assertNoInternals(body);
    }

    /** A member such as "status" must not appear twice (an extension shadowing a standard member). */
    private static void assertNoDuplicateMembers(String body) {
        try (JsonParser parser = STRICT.createParser(body)) {
            while (parser.nextToken() != null) {
                // reading every token is the check
            }
        } catch (IOException e) {
            throw new AssertionError("error body is not strict JSON: " + e.getMessage() + "\n" + body, e);
        }
    }

    public static void assertNoInternals(String body) {
        for (String leak : LEAKS) {
            assertThat(body).as("error body must not contain internals").doesNotContain(leak);
        }
    }
}
