package io.seatbooking.reliability.hostile;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of requests generated from the OpenAPI document: for each operation its
 * path, query and header parameters and its request body, each drawn from the parameter's or
 * member's schema, mostly valid and otherwise mutated (wrong JSON types, values past a bound,
 * long and non-ASCII strings, missing required and unknown members, malformed JSON, other
 * content types, bad headers). Generated {@link Spec}s are symbolic ({@code {show}}, caller
 * kinds such as {@code owner}) and shrink with jqwik's shrinking; {@link Spec#render} makes the
 * concrete request against one {@link FuzzFixture}.
 */
final class SchemaRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Seat labels the fixture's show has (rows A and B of 10). */
    private static final List<String> SEATS = List.of("A1", "A2", "A3", "A4", "B1", "B2", "B5", "B10", "A10", "C1");
    private static final List<String> CALLERS = List.of("owner", "other", "admin", "admin+customer", "no-roles",
            "expired", "another-key", "alg-none", "tampered", "not-yet-valid", "malformed-0", "malformed-3");

    private SchemaRequests() {
    }

    /** One parameter of an operation. */
    record Param(String name, String in, JsonNode schema, boolean required) {
    }

    /** One operation of the document. */
    record Operation(String method, String path, List<Param> params, JsonNode body, boolean bodyRequired,
            List<String> roles) {
        String name() {
            return method + " " + path;
        }
    }

    /** A request body: none, a JSON value, or raw bytes with a description of what they are. */
    sealed interface Body {
    }

    record NoBody() implements Body {
    }

    record JsonBody(JsonNode value) implements Body {
    }

    record RawBody(String text) implements Body {
    }

    /** A symbolic request. */
    record Spec(Operation operation, String caller, Map<String, String> pathValues,
            List<Map.Entry<String, String>> query, List<Map.Entry<String, String>> headers, String contentType,
            Body body) {

        RawHttp.Request render(FuzzFixture fixture) {
            String path = operation.path();
            for (Map.Entry<String, String> value : pathValues.entrySet()) {
                path = path.replace("{" + value.getKey() + "}", encode(fixture.resolve(value.getValue())));
            }
            StringBuilder target = new StringBuilder(path);
            char separator = '?';
            for (Map.Entry<String, String> q : query) {
                target.append(separator).append(encode(q.getKey())).append('=')
                        .append(encode(fixture.resolve(q.getValue())));
                separator = '&';
            }
            List<Map.Entry<String, String>> sent = new ArrayList<>();
            String authorization = fixture.authorization(caller);
            if (authorization != null) {
                sent.add(Map.entry("Authorization", authorization));
            }
            for (Map.Entry<String, String> h : headers) {
                sent.add(Map.entry(h.getKey(), fixture.resolve(h.getValue())));
            }
            byte[] bytes = switch (body) {
                case NoBody none -> new byte[0];
                case JsonBody json -> resolveAll(json.value(), fixture).toString().getBytes(StandardCharsets.UTF_8);
                case RawBody raw -> raw.text().getBytes(StandardCharsets.UTF_8);
            };
            if (contentType != null && (bytes.length > 0 || operation.body() != null)) {
                sent.add(Map.entry("Content-Type", contentType));
            }
            return new RawHttp.Request(operation.method(), target.toString(), sent, bytes, false);
        }
    }

    /** The operations of the document at {@code api}, with their parameters and request bodies resolved. */
    static List<Operation> operations(JsonNode api) {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext();) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (!List.of("get", "put", "post", "delete", "patch").contains(method.getKey())) {
                    continue;
                }
                JsonNode op = method.getValue();
                List<Param> params = new ArrayList<>();
                for (JsonNode p : op.path("parameters")) {
                    JsonNode param = resolve(api, p);
                    params.add(new Param(param.path("name").asText(), param.path("in").asText(),
                            resolve(api, param.path("schema")), param.path("required").asBoolean(false)));
                }
                JsonNode body = null;
                boolean bodyRequired = false;
                JsonNode content = op.path("requestBody").path("content");
                if (content.isObject() && content.size() > 0) {
                    JsonNode media = content.has("application/json") ? content.get("application/json")
                            : content.elements().next();
                    body = media.path("schema");
                    bodyRequired = op.path("requestBody").path("required").asBoolean(false);
                }
                List<String> roles = new ArrayList<>();
                for (JsonNode requirement : op.path("security")) {
                    requirement.elements().forEachRemaining(scopes -> scopes.forEach(s -> roles.add(s.asText())));
                }
                if (op.has("security") && roles.isEmpty()) {
                    roles.add("any");
                }
                operations.add(new Operation(method.getKey().toUpperCase(), path.getKey(), params, body, bodyRequired,
                        roles));
            }
        }
        return operations;
    }

    /** Requests to any operation of {@code operations}. */
    static Arbitrary<Spec> requests(JsonNode api, List<Operation> operations) {
        return Arbitraries.of(operations).flatMap(op -> forOperation(api, op));
    }

    private static Arbitrary<Spec> forOperation(JsonNode api, Operation op) {
        Arbitrary<String> caller = callers(op);
        Arbitrary<Map<String, String>> pathValues = pathValues(op);
        Arbitrary<List<Map.Entry<String, String>>> query = parameters(api, op, "query");
        Arbitrary<List<Map.Entry<String, String>>> headers = parameters(api, op, "header")
                .flatMap(documented -> extraHeaders().map(extra -> {
                    List<Map.Entry<String, String>> all = new ArrayList<>(documented);
                    all.addAll(extra);
                    return all;
                }));
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(16, Arbitraries.just("application/json")),
                Tuple.of(1, Arbitraries.of("text/plain", "application/xml", "application/json; charset=ISO-8859-1",
                        "application/x-www-form-urlencoded", "application/problem+json", "*/*", "application/json;;",
                        "multipart/form-data; boundary=x", "")),
                Tuple.of(1, Arbitraries.just((String) null)));
        Arbitrary<Body> body = body(api, op);
        return Combinators.combine(caller, pathValues, query, headers, contentType, body)
                .as((c, p, q, h, t, b) -> new Spec(op, c, p, q, h, t, b));
    }

    /** Mostly a caller the operation admits; also anonymous, other roles and forged or broken tokens. */
    private static Arbitrary<String> callers(Operation op) {
        Arbitrary<String> right;
        if (op.roles().isEmpty()) {
            right = Arbitraries.just("anonymous");
        } else if (op.roles().contains("admin") && !op.roles().contains("customer")) {
            right = Arbitraries.just("admin");
        } else if (op.roles().contains("customer") && !op.roles().contains("admin")) {
            right = Arbitraries.just("owner");
        } else {
            right = Arbitraries.of("owner", "admin");
        }
        return Arbitraries.frequencyOf(Tuple.of(12, right), Tuple.of(1, Arbitraries.just("anonymous")),
                Tuple.of(2, Arbitraries.of(CALLERS)));
    }

    private static Arbitrary<Map<String, String>> pathValues(Operation op) {
        Arbitrary<Map<String, String>> values = Arbitraries.<Map<String, String>>just(new LinkedHashMap<>());
        for (Param param : op.params()) {
            if (!param.in().equals("path")) {
                continue;
            }
            Arbitrary<String> value = Arbitraries.frequencyOf(
                    Tuple.of(12, Arbitraries.of(usualIds(op))),
                    Tuple.of(2, uuids()),
                    Tuple.of(1, Arbitraries.of(UUID.randomUUID().toString().toUpperCase(), "00000000-0000-0000-0000-000000000000",
                            "not-a-uuid", "1", "%", "..", "shows", "ffffffff-ffff-ffff-ffff-ffffffffffff", "\u00e9",
                            "{show}x", "-1", "null")));
            values = Combinators.combine(values, value).as((map, v) -> {
                Map<String, String> copy = new LinkedHashMap<>(map);
                copy.put(param.name(), v);
                return copy;
            });
        }
        return values;
    }

    private static List<String> usualIds(Operation op) {
        if (op.path().startsWith("/api/bookings")) {
            return List.of("{held}", "{confirmed}");
        }
        if (op.path().startsWith("/api/admin/dead-letters/bulk")) {
            return List.of("{job}");
        }
        if (op.path().startsWith("/api/admin/dead-letters")) {
            return List.of("{letter}", "{letter2}");
        }
        return List.of("{show}", "{show}", "{otherShow}");
    }

    /** Each documented parameter of {@code in}: absent, or a value from its schema (mostly valid). */
    private static Arbitrary<List<Map.Entry<String, String>>> parameters(JsonNode api, Operation op, String in) {
        Arbitrary<List<Map.Entry<String, String>>> all = Arbitraries.just(NO_ENTRIES);
        for (Param param : op.params()) {
            if (!param.in().equals(in)) {
                continue;
            }
            Arbitrary<String> value = scalar(api, param.name(), param.schema(), in.equals("header"));
            Arbitrary<List<Map.Entry<String, String>>> one = Arbitraries.frequencyOf(
                    Tuple.of(param.required() ? 1 : 5, Arbitraries.just(NO_ENTRIES)),
                    Tuple.of(param.required() ? 9 : 4, value.map(v -> entry(param.name(), v))));
            all = Combinators.combine(all, one).as((a, b) -> {
                List<Map.Entry<String, String>> joined = new ArrayList<>(a);
                joined.addAll(b);
                return joined;
            });
        }
        return all;
    }

    /** Headers no operation documents: mostly none; Accept, duplicates and unknown ones. */
    private static Arbitrary<List<Map.Entry<String, String>>> extraHeaders() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(NO_ENTRIES)),
                Tuple.of(2, Arbitraries.of("application/json", "application/problem+json", "*/*", "text/html",
                        "application/xml", "application/json;q=0", "image/png, */*;q=0.1", "garbage")
                        .map(accept -> entry("Accept", accept))),
                Tuple.of(1, headerText(200).map(v -> entry("X-Fuzz", v))),
                Tuple.of(1, Arbitraries.of("gzip", "br", "identity", "x-unknown")
                        .map(e -> entry("Content-Encoding", e))));
    }

    /** A query or header value from the schema: valid mostly, else mutated. Header values stay printable. */
    private static Arbitrary<String> scalar(JsonNode api, String name, JsonNode schema, boolean header) {
        Arbitrary<String> valid = switch (name) {
            case "If-Match", "If-None-Match" -> Arbitraries.of("\"1\"", "\"2\"", "\"3\"", "*", "W/\"1\"", "\"0\"",
                    "\"1\", \"2\"", "\"99999999999999999999\"");
            case "Idempotency-Key" -> Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(255);
            default -> value(api, schema, 0).map(node -> node.isTextual() ? node.asText() : node.toString());
        };
        Arbitrary<String> mutated = header ? headerText(300)
                : Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(120), Arbitraries.of("", "-1", "0",
                        "2147483648", "21474837", "99999999999999999999", "1.5", "1e3", "null", "true", "%00", "%",
                        "2030-13-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z",
                        "-001000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "\u0000", "a\u0000b",
                        "\ud83c\udfad", "\u202e", "x".repeat(1000)));
        return Arbitraries.frequencyOf(Tuple.of(7, valid), Tuple.of(3, mutated));
    }

    private static Arbitrary<String> headerText(int max) {
        return Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u00ff').ofMaxLength(max);
    }

    private static Arbitrary<Body> body(JsonNode api, Operation op) {
        Arbitrary<Body> none = Arbitraries.<Body>just(new NoBody());
        Arbitrary<Body> raw = rawBodies().map(text -> (Body) new RawBody(text));
        if (op.body() == null) {
            return Arbitraries.frequencyOf(Tuple.of(14, none), Tuple.of(1, raw));
        }
        Arbitrary<Body> json = value(api, op.body(), 0).map(node -> (Body) new JsonBody(node));
        return Arbitraries.frequencyOf(Tuple.of(op.bodyRequired() ? 1 : 4, none), Tuple.of(16, json),
                Tuple.of(2, raw));
    }

    private static Arbitrary<String> rawBodies() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "{", "}", "[]", "null", "\"text\"", "42", "{\"a\":", "{\"title\":\"x\",}", "{'a':1}",
                        "{\"showId\":\"{show}\",\"seats\":[\"A1\"]}{}", "\ufeff{}", "{\"a\":1,\"a\":2}", "NaN",
                        "[".repeat(5000), "{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}"),
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(60_000).ofMaxLength(70_000));
    }

    /** A JSON value from {@code schema}: mostly what it allows, else a mutation. */
    static Arbitrary<JsonNode> value(JsonNode api, JsonNode schema, int depth) {
        JsonNode s = resolve(api, schema);
        Arbitrary<JsonNode> valid = validValue(api, s, depth);
        return Arbitraries.frequencyOf(Tuple.of(depth == 0 ? 12 : 20, valid), Tuple.of(1, wrongType()),
                Tuple.of(1, boundary(s)));
    }

    private static Arbitrary<JsonNode> validValue(JsonNode api, JsonNode s, int depth) {
        if (s.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            s.get("enum").forEach(values::add);
            return Arbitraries.of(values);
        }
        if (s.has("allOf") && s.get("allOf").size() > 0) {
            return validValue(api, resolve(api, s.get("allOf").get(0)), depth);
        }
        String type = s.path("type").asText(s.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> object(api, s, depth);
            case "array" -> depth > 3 ? Arbitraries.just(NODES.arrayNode())
                    : value(api, s.path("items"), depth + 1).list().ofMaxSize(Math.min(6,
                            s.path("maxItems").asInt(6))).map(items -> {
                                ArrayNode array = NODES.arrayNode();
                                items.forEach(array::add);
                                return (JsonNode) array;
                            });
            case "integer" -> integer(s);
            case "number" -> Arbitraries.oneOf(integer(s),
                    Arbitraries.doubles().between(-1e6, 1e6).map(d -> (JsonNode) NODES.numberNode(d)));
            case "boolean" -> Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b));
            default -> text(s).map(t -> (JsonNode) NODES.textNode(t));
        };
    }

    private static Arbitrary<JsonNode> object(JsonNode api, JsonNode s, int depth) {
        List<String> required = new ArrayList<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        Arbitrary<ObjectNode> object = Arbitraries.just(NODES.objectNode());
        if (depth > 3) {
            return object.map(o -> (JsonNode) o);
        }
        for (Iterator<Map.Entry<String, JsonNode>> properties = s.path("properties").fields(); properties.hasNext();) {
            Map.Entry<String, JsonNode> property = properties.next();
            boolean isRequired = required.contains(property.getKey());
            Arbitrary<JsonNode> member = value(api, property.getValue(), depth + 1);
            Arbitrary<Boolean> present = Arbitraries.frequencyOf(Tuple.of(isRequired ? 30 : 1, Arbitraries.just(true)),
                    Tuple.of(isRequired ? 1 : 1, Arbitraries.just(false)));
            object = Combinators.combine(object, present, member).as((o, p, m) -> {
                ObjectNode copy = o.deepCopy();
                if (p) {
                    copy.set(property.getKey(), m);
                }
                return copy;
            });
        }
        Arbitrary<Boolean> extra = Arbitraries.frequencyOf(Tuple.of(30, Arbitraries.just(false)),
                Tuple.of(1, Arbitraries.just(true)));
        return Combinators.combine(object, extra).as((o, e) -> {
            if (e) {
                o.put("unknownMember", 1);
            }
            return (JsonNode) o;
        });
    }

    private static Arbitrary<JsonNode> integer(JsonNode s) {
        long min = s.has("minimum") ? s.get("minimum").asLong() : -5;
        long max = s.has("maximum") ? s.get("maximum").asLong() : 50;
        long usualMax = Math.min(max, min + 25);
        return Arbitraries.longs().between(min, Math.max(min, usualMax)).map(v -> (JsonNode) NODES.numberNode(v));
    }

    private static Arbitrary<String> text(JsonNode s) {
        String format = s.path("format").asText("");
        int max = s.path("maxLength").asInt(40);
        int min = s.path("minLength").asInt(0);
        return switch (format) {
            case "date-time" -> Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.integers().between(1, 4000).map(h -> Instant.now().plus(h, ChronoUnit.HOURS)
                            .truncatedTo(ChronoUnit.SECONDS).toString())),
                    Tuple.of(1, Arbitraries.of("2001-01-01T00:00:00Z", "2030-01-01T20:00:00+01:00", "2030-01-01T20:00:00",
                            "2030-01-01", "9999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                            "2030-02-30T10:00:00Z", "+300000-01-01T00:00:00Z", "-001000-01-01T00:00:00Z",
                            "2030-01-01T20:00:00.123456789Z")));
            case "uuid" -> Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of("{show}", "{held}", "{confirmed}",
                    "{letter}", "{otherShow}")), Tuple.of(1, uuids()));
            default -> Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.of(SEATS)),
                    Tuple.of(3, Arbitraries.strings().alpha().numeric().ofMinLength(Math.max(1, min))
                            .ofMaxLength(Math.max(Math.max(1, min), Math.min(max, 20)))),
                    Tuple.of(1, Arbitraries.of("EUR", "CHF", "Hamlet", "front", "A", "AA12", "a b", "x-1_2")));
        };
    }

    /** A value of another JSON type than the schema's, or JSON Jackson would not write itself. */
    private static Arbitrary<JsonNode> wrongType() {
        return Arbitraries.<JsonNode>of(NODES.textNode("3"), NODES.numberNode(1.5), NODES.numberNode(3.0), NODES.booleanNode(true),
                NODES.nullNode(), NODES.arrayNode(), NODES.objectNode(), NODES.textNode(""),
                NODES.rawValueNode(new RawValue("1e400")), NODES.rawValueNode(new RawValue("-0")),
                NODES.rawValueNode(new RawValue("99999999999999999999999999")), NODES.numberNode(Long.MAX_VALUE),
                NODES.textNode("\u0000"), NODES.textNode("\ud83c\udfad\u202e\u0301"), NODES.textNode("x".repeat(10_000)),
                NODES.textNode("\ud800"));
    }

    /** Values just past the schema's bounds. */
    private static Arbitrary<JsonNode> boundary(JsonNode s) {
        List<JsonNode> values = new ArrayList<>();
        if (s.has("minimum")) {
            values.add(NODES.numberNode(s.get("minimum").asLong() - 1));
            values.add(NODES.numberNode(s.get("minimum").asLong()));
        }
        if (s.has("maximum")) {
            values.add(NODES.numberNode(s.get("maximum").asLong()));
            values.add(NODES.numberNode(s.get("maximum").asLong() + 1));
        }
        if (s.has("maxLength")) {
            values.add(NODES.textNode("A".repeat(s.get("maxLength").asInt())));
            values.add(NODES.textNode("A".repeat(s.get("maxLength").asInt() + 1)));
        }
        if (s.has("maxItems")) {
            ArrayNode over = NODES.arrayNode();
            for (int i = 0; i <= s.get("maxItems").asInt(); i++) {
                over.add("S" + i);
            }
            values.add(over);
        }
        values.add(NODES.numberNode(Integer.MAX_VALUE + 1L));
        values.add(NODES.numberNode(-1));
        values.add(NODES.textNode(" "));
        return Arbitraries.of(values);
    }

    private static final List<Map.Entry<String, String>> NO_ENTRIES = List.of();

    private static List<Map.Entry<String, String>> entry(String name, String value) {
        return List.of(Map.entry(name, value));
    }

    /** Random UUIDs from the generator's own random source, so that a seed reproduces them. */
    private static Arbitrary<String> uuids() {
        return Arbitraries.randomValue(random -> new UUID(random.nextLong(), random.nextLong()).toString());
    }

    /** {@code node} with every symbolic id ({@code {show}}) replaced by the fixture's. */
    private static JsonNode resolveAll(JsonNode node, FuzzFixture fixture) {
        if (node.isTextual()) {
            String resolved = fixture.resolve(node.asText());
            return resolved.equals(node.asText()) ? node : NODES.textNode(resolved);
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(resolveAll(item, fixture)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolveAll(e.getValue(), fixture)));
            return copy;
        }
        return node;
    }

    static JsonNode resolve(JsonNode api, JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 10 && current.has("$ref"); i++) {
            String ref = current.get("$ref").asText();
            current = api.at(ref.substring(1));
        }
        return current;
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters, so every target is valid. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
