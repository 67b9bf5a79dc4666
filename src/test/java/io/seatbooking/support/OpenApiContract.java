package io.seatbooking.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;

import io.restassured.RestAssured;
import io.restassured.authentication.PreemptiveOAuth2HeaderScheme;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Validates every REST Assured request to the API ({@code /api/...}) and its response against the
 * OpenAPI document the application under test serves at {@code /q/openapi}, the API's contract
 * (Atlassian's swagger-request-validator): the path and method exist, parameters, headers and
 * body match their schemas, and the response's status, headers, content type and body are the
 * ones the document lists for that operation. A mismatch fails the request that showed it, so a
 * change that drifts from the document fails its tests. {@link ErrorBodyGuard} installs it
 * around every test class, beside {@link ErrorBodies}.
 *
 * <p>The only exceptions, each written here:
 * <ul>
 * <li>a request a test marks with {@link #invalidRequest(String)}: it is deliberately not what the
 * document allows (bad JSON, a wrong content type, an unknown path or method, a non-UUID id). Its
 * request is not validated; its response still is, against the operation it reached. Where the
 * path or method is not in the document at all, no operation exists to check the response
 * against, and {@link ErrorBodies} checks that it is a problem;</li>
 * <li>a request whose only fault is a missing credential, answered {@code 401}: the document
 * requires the bearer token there, and the 401 is the documented answer;</li>
 * <li>paths outside {@code /api/} ({@code /q/health}, {@code /q/metrics}, the console) and the
 * test-only endpoints under {@code /api/test-only/}, which are not part of the API.</li>
 * </ul>
 */
public final class OpenApiContract implements Filter {

    /** The document's address in the application under test. */
    public static final String DOCUMENT = "/q/openapi?format=json";

    private static final Map<String, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * Marks one request as deliberately outside the document, saying why; its response is still
     * validated. {@code given().filter(OpenApiContract.invalidRequest("not JSON"))}.
     */
    public static Filter invalidRequest(String why) {
        return new InvalidRequest(why);
    }

    /** Adds the check to REST Assured's global filters, once (see {@link ErrorBodies#install}). */
    public static void install() {
        if (!installed()) {
            RestAssured.filters(new OpenApiContract());
        }
    }

    /** Removes the check from REST Assured's global filters, keeping any other filter. */
    public static void uninstall() {
        List<Filter> others = new ArrayList<>(RestAssured.filters());
        others.removeIf(OpenApiContract.class::isInstance);
        RestAssured.replaceFiltersWith(others);
    }

    /** Whether the check is among REST Assured's global filters now. */
    public static boolean installed() {
        return RestAssured.filters().stream().anyMatch(OpenApiContract.class::isInstance);
    }

    /** The validator of the document served at {@code base} (scheme, host and port), loaded once. */
    public static OpenApiInteractionValidator validator(String base) {
        return VALIDATORS.computeIfAbsent(base, b -> OpenApiInteractionValidator
                .createForInlineApiSpecification(document(b)).build());
    }

    /** The OpenAPI document (JSON) served at {@code base}. */
    public static String document(String base) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + DOCUMENT))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(base + DOCUMENT + " answered " + answer.statusCode());
            }
            try {
                // a copy to read beside the test reports
                java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), answer.body());
            } catch (IOException e) {
                // only a convenience
            }
            return answer.body();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the OpenAPI document at " + base + DOCUMENT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        Response answer = context.next(request, response);
        String path = request.getDerivedPath();
        if (!path.startsWith("/api/") && !path.equals("/api") || path.startsWith("/api/test-only/")) {
            return answer;
        }
        OpenApiInteractionValidator validator = validator(base(request));
        if (request.getAuthenticationScheme() instanceof PreemptiveOAuth2HeaderScheme oauth2
                && !request.getHeaders().hasHeaderWithName("Authorization")) {
            // auth().oauth2(token) puts the header on the wire, not in the specification the validator reads
            request.header("Authorization", "Bearer " + oauth2.getAccessToken());
        }
        Request sent = RestAssuredRequest.of(request);
        boolean deliberatelyInvalid = request.getDefinedFilters().stream()
                .anyMatch(f -> f.getClass().getName().equals(InvalidRequest.class.getName()));

        List<ValidationReport.Message> faults = new ArrayList<>();
        List<ValidationReport.Message> requestFaults = new ArrayList<>(errors(validator.validateRequest(sent)));
        if (request.getBody() == null) {
            // REST Assured gives a bodyless POST its default form Content-Type; with no body there is
            // nothing for the type to describe, and the service reads none.
            requestFaults.removeIf(m -> m.getKey().equals("validation.request.contentType.notAllowed"));
        }
        boolean noOperation = requestFaults.stream().anyMatch(m -> m.getKey().equals("validation.request.path.missing")
                || m.getKey().equals("validation.request.operation.notAllowed"));
        boolean onlyMissingCredential = !requestFaults.isEmpty() && answer.statusCode() == 401
                && requestFaults.stream().allMatch(m -> m.getKey().startsWith("validation.request.security"));
        if (!deliberatelyInvalid && !onlyMissingCredential) {
            faults.addAll(requestFaults);
        }
        if (!(deliberatelyInvalid && noOperation)) {
            faults.addAll(errors(validator.validateResponse(sent.getPath(), sent.getMethod(),
                    RestAssuredResponse.of(answer))));
        }
        if (!faults.isEmpty()) {
            throw new AssertionError("The exchange breaks the OpenAPI contract (" + DOCUMENT + "): "
                    + request.getMethod() + " " + request.getURI() + " -> " + answer.statusCode() + "\n  "
                    + faults.stream().map(m -> m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("\n  "))
                    + "\n  response body: " + abbreviate(answer.asString()));
        }
        return answer;
    }

    private static List<ValidationReport.Message> errors(ValidationReport report) {
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR).toList();
    }

    private static String base(FilterableRequestSpecification request) {
        return request.getBaseUri() + ":" + request.getPort();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }

    /** The marker of {@link #invalidRequest}: passes the request on untouched. */
    private record InvalidRequest(String why) implements Filter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            return context.next(request, response);
        }
    }
}
