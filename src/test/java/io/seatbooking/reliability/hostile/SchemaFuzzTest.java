package io.seatbooking.reliability.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.seatbooking.support.OpenApiContract;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Schema-driven fuzzing of the whole API from its OpenAPI document ({@code /q/openapi}): every
 * operation, with parameters and bodies generated from the document's schemas, mostly valid and
 * otherwise mutated ({@link SchemaRequests}). Checked on every request:
 *
 * <ol>
 * <li>no 5xx, except {@code 503} with a {@code Retry-After} (overloaded or a dependency down);</li>
 * <li>the response is one the document lists for the operation: status, headers, content type and
 * body schema (Atlassian's validator, as in every REST Assured test);</li>
 * <li>a rejected request (4xx), and any GET, changes nothing ({@link FuzzFixture#snapshot}, read
 * before and after every request), but for the documented exception of a stored idempotent
 * answer.</li>
 * </ol>
 *
 * <p>A failing request is shrunk with jqwik's shrinking (its {@link Shrinkable}s, tried against
 * the running service until no smaller request still fails the same way) and printed in full.
 * Tagged {@code schema-fuzz}: not in the default surefire run; the pom's {@code schema-fuzz}
 * execution runs it after {@code package} with {@code -Dhostile.schema.requests} requests
 * (docs/testing.md). Seed: {@code -Dhostile.seed}.
 */
@QuarkusTest
@Tag("schema-fuzz")
class SchemaFuzzTest {

    private static final long SEED = Long.getLong("hostile.seed", 20261202L);
    private static final int REQUESTS = Integer.getInteger("hostile.schema.requests", 2000);
    private static final int STRETCH = 250;
    private static final int SHRINK_BUDGET = 300;
    private static final int SHRUNK_FAILURES = 5;
    private static final int LISTED_FAILURES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What went wrong with one request; the kind decides what a shrunk request must still show. */
    record Violation(String kind, String detail) {
    }

    @Test
    void everyAnswerIsDocumentedNo5xxAndRejectedRequestsChangeNothing() throws Exception {
        long started = System.nanoTime();
        String base = "http://localhost:" + RestAssured.port;
        JsonNode api = JSON.readTree(OpenApiContract.document(base));
        OpenApiInteractionValidator validator = OpenApiContract.validator(base);
        List<SchemaRequests.Operation> operations = SchemaRequests.operations(api);
        System.out.printf("Schema fuzz: seed=%d requests=%d operations=%d (-Dhostile.seed, -Dhostile.schema.requests)%n",
                SEED, REQUESTS, operations.size());
        RawHttp http = new RawHttp(RestAssured.port);
        FuzzFixture.Callers callers = FuzzFixture.Callers.fresh();
        java.time.Instant runStart = java.time.Instant.now().minusSeconds(1);

        Random random = new Random(SEED);
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> violationsByKind = new TreeMap<>();
        List<String> reports = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        int sent = 0;
        int rejected = 0;
        int serverErrors = 0;
        int overloaded = 0;
        int shrinkRequests = 0;
        int storedIdempotent = 0;

        JqwikSession.start();
        try {
            RandomGenerator<SchemaRequests.Spec> generator = SchemaRequests.requests(api, operations).generator(1000);
            FuzzFixture fixture = null;
            Map<String, String> last = null;
            try {
                for (int i = 0; i < REQUESTS; i++) {
                    if (i % STRETCH == 0 || fixture == null) {
                        if (fixture != null) {
                            fixture.close();
                        }
                        fixture = new FuzzFixture(callers, runStart);
                        last = null;
                    }
                    Shrinkable<SchemaRequests.Spec> shrinkable = generator.next(random);
                    Outcome outcome = run(shrinkable.value(), fixture, http, validator, last);
                    last = outcome.after;
                    sent++;
                    statuses.merge(shrinkable.value().operation().name() + " " + outcome.status, 1, Integer::sum);
                    if (outcome.status >= 400) {
                        rejected++;
                    }
                    if (outcome.status >= 500 && outcome.status != 503) {
                        serverErrors++;
                    }
                    if (outcome.status == 503) {
                        overloaded++;
                    }
                    storedIdempotent += outcome.storedIdempotent ? 1 : 0;
                    if (outcome.violation != null) {
                        violationsByKind.merge(outcome.violation.kind(), 1, Integer::sum);
                        if (listed.size() < LISTED_FAILURES) {
                            listed.add("  #" + i + " " + outcome.violation.kind() + ": " + outcome.request.method() + " "
                                    + abbreviate(outcome.request.target(), 160) + " -> " + outcome.status + ": "
                                    + abbreviate(outcome.violation.detail(), 240));
                        }
                        if (reports.size() < SHRUNK_FAILURES) {
                            Shrunk shrunk = shrink(shrinkable, outcome, fixture, http, validator);
                            last = null;
                            shrinkRequests += shrunk.requests;
                            reports.add("---- schema fuzz failure: request #" + i + " (seed " + SEED + "), "
                                    + outcome.violation.kind() + "\n  as generated: " + outcome.describe()
                                    + "\n  shrunk (" + shrunk.steps + " steps): " + shrunk.outcome.describe());
                        }
                    }
                    if (outcome.mutatedFixture) {
                        fixture.close();
                        fixture = null;
                    }
                }
            } finally {
                if (fixture != null) {
                    fixture.close();
                }
            }
        } finally {
            JqwikSession.finish();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        int stateChanges = violationsByKind.getOrDefault("state-changed", 0);
        int contract = violationsByKind.getOrDefault("contract", 0);
        System.out.println("Schema fuzz statuses by operation: " + statuses);
        Figures.print(String.format("property=schema-fuzz seed=%d generated=%d sent=%d operations=%d rejected4xx=%d "
                + "5xx=%d 503withRetryAfter=%d contractViolations=%d rejectedWithStateChange=%d "
                + "storedIdempotentRejections=%d shrinkRequests=%d violations=%s wallSeconds=%d",
                SEED, REQUESTS, sent, operations.size(), rejected, serverErrors, overloaded, contract, stateChanges,
                storedIdempotent, shrinkRequests, violationsByKind, seconds));
        if (!listed.isEmpty()) {
            System.out.println("Schema fuzz violations (first " + LISTED_FAILURES + ", as generated):");
            listed.forEach(System.out::println);
        }
        reports.forEach(System.out::println);
        assertThat(violationsByKind).as("violations by kind (first %d shrunk and printed above)", SHRUNK_FAILURES)
                .isEmpty();
    }

    /** One request's answer and what is wrong with it, if anything. */
    static final class Outcome {
        RawHttp.Request request;
        int status;
        String answer = "";
        Violation violation;
        boolean storedIdempotent;
        boolean mutatedFixture;
        /** The fixture's snapshot after the request: the next request's "before". */
        Map<String, String> after;

        String describe() {
            return (violation == null ? "passes" : violation.detail()) + "\n" + request.describe() + "  answer: "
                    + status + " " + answer;
        }
    }

    private static Outcome run(SchemaRequests.Spec spec, FuzzFixture fixture, RawHttp http,
            OpenApiInteractionValidator validator, Map<String, String> last) throws Exception {
        Outcome outcome = new Outcome();
        outcome.request = spec.render(fixture);
        Map<String, String> before = last != null ? last : fixture.snapshot();
        RawHttp.Response response;
        try {
            response = http.send(outcome.request);
        } catch (IOException e) {
            outcome.status = -1;
            outcome.violation = new Violation("no-answer", e.getMessage());
            return outcome;
        }
        outcome.status = response.status();
        outcome.answer = response.headers() + "\n  " + abbreviate(response.text());
        Map<String, String> after = fixture.snapshot();
        outcome.after = after;
        String method = outcome.request.method();

        if ((response.status() == 400 || response.status() == 414) && response.body().length == 0) {
            // Refused by the HTTP layer before any route (a request line over 4096 bytes): outside the API.
            outcome.after = after;
            return outcome;
        }
        if (response.status() >= 500 && !(response.status() == 503 && response.header("retry-after") != null)) {
            outcome.violation = new Violation("5xx", "server error " + response.status());
            return outcome;
        }
        List<String> faults = contractFaults(spec, outcome.request, response, validator);
        if (!faults.isEmpty()) {
            outcome.violation = new Violation("contract", String.join("; ", faults));
            return outcome;
        }
        if (response.status() < 300) {
            List<String> refused = requestFaults(spec, outcome.request, validator);
            if (!refused.isEmpty()) {
                outcome.violation = new Violation("accepted-invalid", "accepted a request the document does not "
                        + "allow: " + String.join("; ", refused));
                return outcome;
            }
        }
        boolean mustNotChange = response.status() >= 400 || "GET".equals(method);
        if (mustNotChange && !after.equals(before)) {
            if (FuzzFixture.isStoredIdempotentAnswer(outcome.request, response.status(), before, after)) {
                outcome.storedIdempotent = true;
            } else {
                outcome.violation = new Violation("state-changed", diff(before, after));
            }
        }
        // Accepted changes whose work goes on in the background (a bulk job, a show's cancellation) would
        // change the fixture under later requests: those get a fresh fixture. Other accepted changes (a
        // hold, a confirmation) are finished when answered; the fixture just moves on.
        String path = spec.operation().path();
        if (response.status() < 300 && "POST".equals(method) && (path.startsWith("/api/admin/dead-letters/bulk")
                || path.equals("/api/shows/{showId}/cancel"))) {
            outcome.mutatedFixture = true;
        }
        if (response.status() == 202 && path.equals("/api/admin/dead-letters/bulk")) {
            // A bulk job started by the fuzz would replay or discard every parked letter of the test database
            // in the background: stop it at once.
            String job = JSON.readTree(response.body()).path("id").asText();
            http.send(new RawHttp.Request("POST", "/api/admin/dead-letters/bulk/" + job + "/cancel",
                    List.of(Map.entry("Authorization", fixture.authorization("admin"))), new byte[0], false));
        }
        return outcome;
    }

    /** The document's verdict on the response, for the operation the request was generated for. */
    private static List<String> contractFaults(SchemaRequests.Spec spec, RawHttp.Request request,
            RawHttp.Response response, OpenApiInteractionValidator validator) {
        // The server resolves dot segments ("/bulk/../cancel" is "/cancel", RFC 3986 5.2.4): the answer is
        // for the resolved path.
        String path = withoutDotSegments(request.target().contains("?")
                ? request.target().substring(0, request.target().indexOf('?')) : request.target());
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.status());
        response.headers().forEach((name, values) -> answer.withHeader(name, values));
        if (response.body().length > 0) {
            answer.withBody(new String(response.body(), StandardCharsets.UTF_8));
        }
        ValidationReport report = validator.validateResponse(path, Request.Method.valueOf(request.method()),
                answer.build());
        List<String> faults = report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> m.getKey() + ": " + m.getMessage()).collect(Collectors.toList());
        // A path value that is not a single segment (".." resolved by the server) names another path: the
        // answer is the 404 of a path the document does not have (or the 413 of a body over the size limit,
        // which holds before any route), or the 405 of a method it does not list there.
        if (!faults.isEmpty() && (response.status() == 404 || response.status() == 413) && faults.stream().allMatch(f -> f.startsWith(
                "validation.request.path.missing") || f.startsWith("validation.response.path.missing"))) {
            return List.of();
        }
        if (!faults.isEmpty() && response.status() == 405
                && faults.stream().allMatch(f -> f.startsWith("validation.request.operation.notAllowed"))) {
            return List.of();
        }
        return faults;
    }

    /** The path as the server reads it: "." and ".." segments resolved. */
    static String withoutDotSegments(String path) {
        java.util.Deque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                if (segments.size() > 1) {
                    segments.removeLast();
                }
            } else if (!segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        if (path.endsWith("/..") || path.endsWith("/.")) {
            segments.addLast("");
        }
        String resolved = String.join("/", segments);
        return resolved.startsWith("/") ? resolved : "/" + resolved;
    }

    /**
     * What the document says is wrong with the request as sent. The service must not accept such a
     * request: a document that allows less than the service accepts is no exact contract.
     */
    private static List<String> requestFaults(SchemaRequests.Spec spec, RawHttp.Request request,
            OpenApiInteractionValidator validator) {
        String target = request.target();
        String path = withoutDotSegments(target.contains("?") ? target.substring(0, target.indexOf('?')) : target);
        SimpleRequest.Builder sent = new SimpleRequest.Builder(Request.Method.valueOf(request.method()), path);
        if (target.contains("?")) {
            for (String pair : target.substring(target.indexOf('?') + 1).split("&")) {
                String[] nameValue = pair.split("=", 2);
                sent.withQueryParam(decode(nameValue[0]), nameValue.length > 1 ? decode(nameValue[1]) : "");
            }
        }
        for (Map.Entry<String, String> header : request.headers()) {
            sent.withHeader(header.getKey(), header.getValue());
        }
        if (request.body().length > 0) {
            String body = new String(request.body(), StandardCharsets.UTF_8);
            // RFC 8259 8.1 lets a JSON parser ignore a leading byte order mark, as the service's does; the
            // validator's parser does not
            sent.withBody(body.startsWith("\uFEFF") ? body.substring(1) : body);
        }
        // A body sent to an operation that reads none is ignored, as HTTP allows, and so is its Content-Type:
        // not counted; nor is the Content-Type of an empty body (an optional one, as a confirmation's), which
        // describes nothing.
        boolean readsBody = spec.operation().body() != null && request.body().length > 0;
        return validator.validateRequest(sent.build()).getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> !m.getKey().equals("validation.request.body.unexpected"))
                .filter(m -> readsBody || !m.getKey().startsWith("validation.request.contentType."))
                .map(m -> m.getKey() + ": " + m.getMessage()).collect(Collectors.toList());
    }

    private static String decode(String text) {
        return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    record Shrunk(Outcome outcome, int steps, int requests) {
    }

    /**
     * Greedy shrinking with jqwik's shrink candidates: the first smaller request that still fails
     * with the same kind of violation replaces the current one, until none does or the budget
     * (requests sent while shrinking) runs out.
     */
    private static Shrunk shrink(Shrinkable<SchemaRequests.Spec> failing, Outcome outcome, FuzzFixture fixture,
            RawHttp http, OpenApiInteractionValidator validator) throws Exception {
        Shrinkable<SchemaRequests.Spec> current = failing;
        Outcome best = outcome;
        int steps = 0;
        int requests = 0;
        boolean smaller = true;
        while (smaller && requests < SHRINK_BUDGET) {
            smaller = false;
            for (Shrinkable<SchemaRequests.Spec> candidate : (Iterable<Shrinkable<SchemaRequests.Spec>>) current.shrink()
                    .limit(40)::iterator) {
                if (requests >= SHRINK_BUDGET) {
                    break;
                }
                requests++;
                Outcome tried = run(candidate.value(), fixture, http, validator, null);
                if (tried.violation != null && tried.violation.kind().equals(outcome.violation.kind())) {
                    current = candidate;
                    best = tried;
                    steps++;
                    smaller = true;
                    break;
                }
            }
        }
        return new Shrunk(best, steps, requests);
    }

    private static String diff(Map<String, String> before, Map<String, String> after) {
        return before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k)))
                .map(k -> k + " before: " + abbreviate(before.get(k)) + " after: " + abbreviate(after.get(k)))
                .collect(Collectors.joining("; "));
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 800);
    }

    private static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
