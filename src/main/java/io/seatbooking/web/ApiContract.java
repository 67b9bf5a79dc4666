package io.seatbooking.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.seatbooking.web.idempotency.IdempotencyService;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemType;

/**
 * Completes the OpenAPI document (the API's contract, served at {@code /q/openapi}) with what
 * every operation shares, derived from the operation's shape so that no resource method repeats
 * it: the problem schema and its media type on every error response; {@code 400}, {@code 406},
 * {@code 413}, {@code 500} and {@code 503} (with {@code Retry-After}) everywhere; {@code 401}/{@code 403}
 * where a role is needed; {@code 404} where the path names a resource; {@code 415}/{@code 422} where a
 * body is read; {@code 412} with {@code If-Match}, {@code 304} with {@code If-None-Match},
 * {@code 409}/{@code 422} with {@code Idempotency-Key}; {@code 503 overloaded} on the admitted
 * writes. Resource methods declare only their success response and their own problems; a
 * description they give wins over the default one here.
 */
public class ApiContract implements OASFilter {

    /** The component name of the problem schema. */
    public static final String PROBLEM = "Problem";
    /** The component name of the bearer (JWT) security scheme. */
    public static final String BEARER = "bearer";
    /** Response header of a 503: seconds to wait before retrying. */
    public static final String RETRY_AFTER = "Retry-After";
    /** Header the waiting room's admission is sent in (booking holds). */
    public static final String ADMISSION_TOKEN = "Admission-Token";

    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents() == null ? OASFactory.createComponents() : api.getComponents();
        api.setComponents(components);
        components.addSchema(PROBLEM, problemSchema());
        if (api.getPaths() == null || api.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : new TreeMap<>(api.getPaths().getPathItems()).entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getValue().getOperations().entrySet()) {
                complete(path.getKey(), operation.getKey(), operation.getValue());
                closeRequestSchemas(components, operation.getValue());
            }
        }
    }

    /**
     * Request bodies are read strictly (quarkus.jackson.fail-on-unknown-properties): an unknown
     * member is a 400, so their schemas, and those of the objects inside them, allow no other member.
     */
    private static void closeRequestSchemas(Components components, Operation operation) {
        if (operation.getRequestBody() == null || operation.getRequestBody().getContent() == null) {
            return;
        }
        operation.getRequestBody().getContent().getMediaTypes().values()
                .forEach(media -> close(components, media.getSchema(), 0));
    }

    private static void close(Components components, Schema schema, int depth) {
        if (schema == null || depth > 5) {
            return;
        }
        if (schema.getRef() != null) {
            String name = schema.getRef().substring(schema.getRef().lastIndexOf('/') + 1);
            close(components, components.getSchemas() == null ? null : components.getSchemas().get(name), depth + 1);
            return;
        }
        if (schema.getProperties() != null && !schema.getProperties().isEmpty()) {
            schema.setAdditionalPropertiesBoolean(Boolean.FALSE);
            schema.getProperties().values().forEach(property -> close(components, property, depth + 1));
            List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
            for (Map.Entry<String, Schema> property : new ArrayList<>(schema.getProperties().entrySet())) {
                if (!required.contains(property.getKey())) {
                    schema.addProperty(property.getKey(), nullable(components, property.getValue()));
                }
            }
        }
        close(components, schema.getItems(), depth + 1);
    }

    /**
     * An optional member of a request body may be sent as JSON {@code null}, which means the same as
     * leaving it out (every such member is an object type in the request records). A reference to a
     * scalar schema (a time) is inlined, since a reference takes no {@code nullable} beside it.
     */
    private static Schema nullable(Components components, Schema property) {
        Schema scalar = property;
        if (property.getRef() != null) {
            Schema target = components.getSchemas() == null ? null
                    : components.getSchemas().get(property.getRef().substring(property.getRef().lastIndexOf('/') + 1));
            if (target == null || target.getType() == null || target.getProperties() != null
                    || target.getEnumeration() != null) {
                return property;
            }
            scalar = OASFactory.createSchema().type(new ArrayList<>(target.getType())).format(target.getFormat())
                    .pattern(target.getPattern()).example(target.getExample()).description(target.getDescription());
        }
        if (scalar.getType() != null && !scalar.getType().contains(SchemaType.NULL)) {
            scalar.addType(SchemaType.NULL);
        }
        return scalar;
    }

    private static void complete(String path, PathItem.HttpMethod method, Operation operation) {
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        List<String> headers = headerParameters(operation);
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        boolean body = operation.getRequestBody() != null;

        problem(responses, "400", "malformed-request: an unreadable body, a bad parameter or header, a broken "
                + "%-escape in the URL");
        problem(responses, "406", "not-acceptable: Accept names no type this operation answers");
        problem(responses, "500", "internal-error: an unexpected failure; only an errorId to quote to operators");
        problem(responses, "503", "service-unavailable: a dependency is unavailable; "
                + "overloaded: at capacity. Retry after Retry-After seconds").addHeader(RETRY_AFTER,
                        OASFactory.createHeader().required(true).description("Seconds to wait before retrying")
                                .schema(OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(
                                        java.math.BigDecimal.ZERO)));
        if (secured) {
            problem(responses, "401", "unauthorized: no valid bearer token (missing, malformed, expired beyond "
                    + "the clock skew, wrongly signed or issued)").addHeader("WWW-Authenticate",
                            OASFactory.createHeader().required(true).schema(string()));
            problem(responses, "403", "forbidden: the token's groups do not allow this operation");
        }
        if (path.contains("{")) {
            problem(responses, "404", "not-found: the path names no resource (for example an id that is not a UUID)");
        }
        // The size limit holds for every request, also a body sent where none is read.
        problem(responses, "413", "payload-too-large: the body is over the size limit");
        if (body) {
            problem(responses, "415", "unsupported-media-type: send the body as application/json");
            problem(responses, "422", "invalid-request: a member breaks a rule (errors names each field)");
        }
        if (headers.contains("If-Match")) {
            problem(responses, "412", "precondition-failed: If-Match names another version (currentVersion)");
        }
        if (headers.contains("If-None-Match")) {
            notModified(responses);
        }
        if (headers.contains(IdempotencyService.HEADER)) {
            problem(responses, "409", "idempotent-request-in-progress: a request with this Idempotency-Key is "
                    + "still running");
            problem(responses, "422", "idempotency-key-reused: the Idempotency-Key was used for another request");
            for (Parameter parameter : operation.getParameters()) {
                if (IdempotencyService.HEADER.equals(parameter.getName())) {
                    parameter.description("Makes the request safe to repeat: a repeat answers the first outcome "
                            + "(Idempotent-Replayed: true); 1-255 printable characters");
                    parameter.schema(string().minLength(1).maxLength(255));
                }
            }
        }
        listingParameters(operation);
        for (Map.Entry<String, APIResponse> response : responses.getAPIResponses().entrySet()) {
            if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                response.getValue().setContent(problemContent());
            }
        }
    }

    /**
     * The query parameters every listing shares, read as text by the resources (so that a bad value
     * is a 400 problem of theirs): their documented types. Ids in the query are UUIDs.
     */
    private static void listingParameters(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter parameter : operation.getParameters()) {
            if (parameter.getIn() != Parameter.In.QUERY) {
                continue;
            }
            switch (parameter.getName()) {
                case "page" -> parameter.description("Zero-based page number (default 0)").schema(OASFactory
                        .createSchema().addType(SchemaType.INTEGER).format("int32").minimum(java.math.BigDecimal.ZERO));
                case "size" -> parameter.description("Page size, 1 to the listing's maximum (100 unless configured); "
                        + "default 20").schema(OASFactory.createSchema().addType(SchemaType.INTEGER).format("int32")
                                .minimum(java.math.BigDecimal.ONE));
                case "from" -> parameter.description("Inclusive lower bound, an ISO-8601 instant")
                        .schema(string().format("date-time"));
                case "to" -> parameter.description("Exclusive upper bound, an ISO-8601 instant")
                        .schema(string().format("date-time"));
                case "showId" -> parameter.schema(string().format("uuid"));
                default -> {
                }
            }
        }
    }

    private static List<String> headerParameters(Operation operation) {
        List<String> names = new ArrayList<>();
        if (operation.getParameters() != null) {
            for (Parameter parameter : operation.getParameters()) {
                if (parameter.getIn() == Parameter.In.HEADER) {
                    names.add(parameter.getName());
                }
            }
        }
        return names;
    }

    /** The response for {@code code}, created with {@code description} unless the method declared it. */
    private static APIResponse problem(APIResponses responses, String code, String description) {
        APIResponse response = responses.getAPIResponse(code);
        if (response == null) {
            response = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse(code, response);
        } else if (response.getDescription() == null || response.getDescription().isBlank()) {
            response.setDescription(description);
        } else if (!mentions(response.getDescription(), description.substring(0, description.indexOf(':')))) {
            response.setDescription(response.getDescription() + "; " + description);
        }
        return response;
    }

    /** Whether {@code description} names the problem type {@code type} (not just a longer one ending in it). */
    private static boolean mentions(String description, String type) {
        return java.util.regex.Pattern.compile("(^|[^a-z-])" + java.util.regex.Pattern.quote(type) + "([^a-z-]|$)")
                .matcher(description).find();
    }

    private static void notModified(APIResponses responses) {
        if (responses.getAPIResponse("304") == null) {
            responses.addAPIResponse("304", OASFactory.createAPIResponse()
                    .description("Not modified: If-None-Match names the current ETag; no body"));
        }
        responses.getAPIResponse("304").addHeader("ETag", OASFactory.createHeader().required(true).schema(string()));
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    /**
     * RFC 9457 problem details: the standard members, and the extension members this service
     * uses (each only with the problem types that name it in docs/api.md). Other members may
     * appear: clients ignore what they do not know.
     */
    static Schema problemSchema() {
        Schema type = string().format("uri").description("Identifies the problem; clients switch on it");
        for (ProblemType problemType : ProblemType.values()) {
            type.addEnumeration(problemType.uri().toString());
        }
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", type);
        properties.put("title", string().description("Short summary of the problem type"));
        properties.put("status", OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(
                java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(599))
                .description("The HTTP status code"));
        properties.put("detail", string().description("What went wrong with this request"));
        properties.put("instance", string().format("uri-reference"));
        properties.put("errorId", string().description("internal-error: the id to quote to operators"));
        properties.put("errors", OASFactory.createSchema().addType(SchemaType.ARRAY)
                .description("invalid-request: one entry per failing field")
                .items(OASFactory.createSchema().addType(SchemaType.OBJECT).addRequired("field").addRequired("message")
                        .addProperty("field", string()).addProperty("message", string())));
        properties.put("unavailableSeats", labels("seat-unavailable: the seats that are taken"));
        properties.put("duplicateSeats", labels("invalid-request: seats named twice"));
        properties.put("unknownSeats", labels("invalid-request: seats the show does not have"));
        properties.put("currentVersion", OASFactory.createSchema().addType(SchemaType.INTEGER)
                .description("precondition-failed: the version (ETag) the resource has now"));
        properties.put("bookingStatus", string().description("booking-state-conflict: the booking's state"));
        properties.put("showStatus", string().description("show-not-on-sale: the show's status"));
        properties.put("startsAt", instant("show-not-on-sale: the show's start"));
        properties.put("salesStart", instant("show-not-on-sale: the start of the sales window"));
        properties.put("salesEnd", instant("show-not-on-sale: the end of the sales window"));
        properties.put("join", string().description("queue-ticket-not-found, admission-required: where to join the "
                + "waiting room"));
        properties.put("letterStatus", string().description("dead-letter-already-resolved: the letter's status"));
        properties.put("resolvedAt", instant("dead-letter-already-resolved: when").addType(SchemaType.NULL));
        properties.put("resolvedBy", string().description("dead-letter-already-resolved: by whom")
                .addType(SchemaType.NULL));
        return OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("An RFC 9457 problem (application/problem+json)")
                .properties(properties)
                .required(List.of("type", "title", "status"))
                .additionalPropertiesBoolean(Boolean.TRUE)
                .example(Map.of("type", ProblemType.SEAT_UNAVAILABLE.uri().toString(),
                        "title", ProblemType.SEAT_UNAVAILABLE.title(), "status", 409,
                        "detail", "Seats A2 are not available.", "unavailableSeats", List.of("A2")));
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }

    private static Schema instant(String description) {
        return string().format("date-time").description(description);
    }

    private static Schema labels(String description) {
        return OASFactory.createSchema().addType(SchemaType.ARRAY).items(string()).description(description);
    }
}
