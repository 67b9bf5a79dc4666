package io.seatbooking.reliability.hostile;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of hostile HTTP requests against every endpoint. A generated {@link Spec}
 * is symbolic (ids such as {@code {held}}, callers such as {@code owner}); {@link Spec#render}
 * makes the concrete request against one {@link FuzzFixture}.
 */
final class HttpRequests {

    /** Control characters other than HTAB: not allowed in an HTTP field value (RFC 9110 5.5). */
    static final String CONTROL = "[\\x00-\\x08\\x0A-\\x1F\\x7F]";

    private HttpRequests() {
    }

    /** The endpoints, with the method, path template and a valid body of each. */
    enum Endpoint {
        CREATE_SHOW("POST", "/api/shows", "admin"),
        GET_SHOW("GET", "/api/shows/{id}", null),
        GET_SEAT_MAP("GET", "/api/shows/{id}/seats", null),
        HOLD("POST", "/api/bookings", "owner"),
        CONFIRM("POST", "/api/bookings/{id}/confirm", "owner"),
        CANCEL("POST", "/api/bookings/{id}/cancel", "owner"),
        GET_BOOKING("GET", "/api/bookings/{id}", "owner"),
        LIST_BOOKINGS("GET", "/api/bookings", "owner"),
        LIST_DEAD_LETTERS("GET", "/api/admin/dead-letters", "admin"),
        GET_DEAD_LETTER("GET", "/api/admin/dead-letters/{id}", "admin"),
        REPLAY_DEAD_LETTER("POST", "/api/admin/dead-letters/{id}/replay", "admin"),
        DISCARD_DEAD_LETTER("DELETE", "/api/admin/dead-letters/{id}", "admin"),
        UNKNOWN_PATH("GET", "/api/{id}", null);

        final String method;
        final String path;
        final String rightCaller;

        Endpoint(String method, String path, String rightCaller) {
            this.method = method;
            this.path = path;
            this.rightCaller = rightCaller;
        }

        /** The fixture id this endpoint's {id} usually names. */
        String usualId() {
            return switch (this) {
                case GET_SHOW, GET_SEAT_MAP -> "{show}";
                case CONFIRM, CANCEL, GET_BOOKING -> "{held}";
                case GET_DEAD_LETTER, REPLAY_DEAD_LETTER, DISCARD_DEAD_LETTER -> "{letter}";
                default -> "shows";
            };
        }

        boolean hasBody() {
            return this == CREATE_SHOW || this == HOLD || this == CONFIRM;
        }

        boolean isList() {
            return this == LIST_BOOKINGS || this == LIST_DEAD_LETTERS;
        }
    }

    /** A JSON literal written as is (numbers Jackson would normalise, NaN, ...). */
    record Raw(String text) {
    }

    /** A symbolic request. */
    record Spec(Endpoint endpoint, String method, String id, List<Map.Entry<String, String>> query, String caller,
            List<Map.Entry<String, String>> headers, Body body, boolean chunked) {

        RawHttp.Request render(FuzzFixture fixture) {
            String path = endpoint.path.replace("{id}", fixture.resolve(id));
            StringBuilder target = new StringBuilder(path);
            for (int i = 0; i < query.size(); i++) {
                target.append(i == 0 ? '?' : '&').append(encode(query.get(i).getKey())).append('=')
                        .append(encode(fixture.resolve(query.get(i).getValue())));
            }
            List<Map.Entry<String, String>> all = new ArrayList<>();
            String authorization = caller == null ? null
                    : caller.startsWith("raw:") ? caller.substring(4) : fixture.authorization(caller);
            if (authorization != null) {
                all.add(Map.entry("Authorization", authorization));
            }
            all.addAll(headers);
            return new RawHttp.Request(method, target.toString(), all, body.bytes(fixture), chunked);
        }
    }

    /** A body recipe: a JSON tree (or a whole-body alternative) and byte-level mutations. */
    record Body(Object tree, byte[] whole, List<Mutation> mutations) {

        byte[] bytes(FuzzFixture fixture) {
            byte[] bytes = whole != null ? whole
                    : tree == NONE ? new byte[0] : Json.write(tree, fixture).getBytes(StandardCharsets.UTF_8);
            for (Mutation m : mutations) {
                bytes = m.apply(bytes);
            }
            return bytes;
        }
    }

    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "<no body>";
        }
    };

    /** A byte-level change of a rendered body. */
    record Mutation(String kind, int position, byte[] bytes) {

        byte[] apply(byte[] body) {
            int at = body.length == 0 ? 0 : Math.floorMod(position, body.length + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (kind) {
                case "truncate" -> out.write(body, 0, at);
                case "insert" -> {
                    out.write(body, 0, at);
                    out.writeBytes(bytes);
                    out.write(body, at, body.length - at);
                }
                case "overwrite" -> {
                    out.writeBytes(body);
                    byte[] result = out.toByteArray();
                    for (int i = 0; i < bytes.length && at + i < result.length; i++) {
                        result[at + i] = bytes[i];
                    }
                    return result;
                }
                case "gzip" -> {
                    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                        gzip.write(body);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                case "utf16" -> out.writeBytes(new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16));
                default -> throw new IllegalArgumentException(kind);
            }
            return out.toByteArray();
        }
    }

    // ---- the arbitraries

    static Arbitrary<Spec> requests() {
        return Arbitraries.of(Endpoint.values()).flatMap(endpoint -> Combinators.combine(
                method(endpoint), id(endpoint), query(endpoint), caller(endpoint), headers(endpoint), body(endpoint),
                Arbitraries.integers().between(0, 9).map(n -> n == 0))
                .as((method, id, query, caller, headers, body, chunked) -> new Spec(endpoint, method, id, query, caller,
                        headers, body, chunked)));
    }

    private static Arbitrary<String> method(Endpoint endpoint) {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.just(endpoint.method)),
                Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW", "get")));
    }

    private static Arbitrary<String> id(Endpoint endpoint) {
        Arbitrary<String> otherFixtureIds = Arbitraries.of("{show}", "{held}", "{confirmed}", "{letter}", "{letter2}");
        Arbitrary<String> malformed = Arbitraries.oneOf(
                Arbitraries.of("", "0", "-1", "null", "undefined", "..", "%2e%2e", "%00", "%ZZ", "%", "a%2Fb",
                        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                        "01a2010d-bcc8-749e-bb50-abc0a45e30e4x", "{01a2010d-bcc8-749e-bb50-abc0a45e30e4}",
                        "1-1-1-1-1", "%27%3B%20DROP%20TABLE%20booking%3B--", "%C3%A4", "%FF%FE", "A".repeat(3000),
                        "%20", "1e9", "0x10", "%u0041"),
                Arbitraries.strings().alpha().numeric().withChars("-_.~").ofMinLength(1).ofMaxLength(60),
                Arbitraries.create(java.util.UUID::randomUUID).map(java.util.UUID::toString));
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(endpoint.usualId())),
                Tuple.of(3, otherFixtureIds),
                Tuple.of(4, malformed));
    }

    private static Arbitrary<List<Map.Entry<String, String>>> query(Endpoint endpoint) {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.of("page", "size", "showId", "status", "reason", "routingKey", "from", "to")),
                Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 150).map(String::valueOf),
                Arbitraries.of("0", "-0", "1", "100", "101", "-1", "2147483647", "2147483648", "-2147483649",
                        "99999999999999999999", "1.5", "1e3", "0x10", " 7 ", "", " ", "abc", "null", "NaN", "+1",
                        "HELD", "CONFIRMED", "held", "LOST", "PARKED", "REPLAYED", "DISCARDED", "unparseable",
                        "payment.succeeded", "{show}", "not-a-uuid", "2026-01-31T12:00:00Z", "2026-13-45T99:00:00Z",
                        "yesterday", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "%", "%00",
                        "' OR 1=1 --", "\u00e4\u00f6\u00fc", "\ud83c\udfad", "A".repeat(3000)),
                Arbitraries.strings().ofMaxLength(40));
        Arbitrary<Map.Entry<String, String>> param = Combinators.combine(names, values).as(Map::entry);
        int max = endpoint.isList() ? 5 : 2;
        return Arbitraries.frequencyOf(
                Tuple.of(endpoint.isList() ? 1 : 8, Arbitraries.just(List.<Map.Entry<String, String>> of())),
                Tuple.of(3, param.list().ofMaxSize(max)));
    }

    private static Arbitrary<String> caller(Endpoint endpoint) {
        Arbitrary<String> right = Arbitraries.just(endpoint.rightCaller);
        Arbitrary<String> identities = Arbitraries.of("owner", "other", "admin", "admin+customer", "no-roles");
        Arbitrary<String> forged = Arbitraries.of("expired", "another-key", "another-issuer", "alg-none", "tampered",
                "hs256-public-key", "not-yet-valid");
        Arbitrary<String> malformed = Arbitraries.integers().between(0, 16).map(i -> "malformed-" + i);
        Arbitrary<String> garbage = Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(200).map(s -> "raw:Bearer " + s.replaceAll(CONTROL, "")),
                Arbitraries.strings().alpha().numeric().withChars("-_.").ofMaxLength(600).map(s -> "raw:Bearer " + s),
                Arbitraries.strings().ascii().ofMaxLength(60).map(s -> "raw:" + s.replaceAll(CONTROL, "")));
        return Arbitraries.frequencyOf(
                Tuple.of(endpoint.rightCaller == null ? 2 : 14, right),
                Tuple.of(3, Arbitraries.just((String) null)),
                Tuple.of(4, identities),
                Tuple.of(4, forged),
                Tuple.of(2, malformed),
                Tuple.of(2, garbage));
    }

    private static Arbitrary<List<Map.Entry<String, String>>> headers(Endpoint endpoint) {
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.just("application/json")),
                Tuple.of(6, Arbitraries.of("application/json; charset=UTF-8", "application/json; charset=ISO-8859-1",
                        "application/json; charset=utf-16", "application/json; charset=bogus", "text/plain",
                        "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
                        "application/problem+json", "*/*", "application/json;;;", "APPLICATION/JSON", "application/",
                        "/", "application/vnd.api+json", "application/json; charset=\"", "json")),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(50).map(s -> s.replaceAll(CONTROL, ""))));
        Arbitrary<String> encoding = Arbitraries.of("gzip", "deflate", "br", "garbage", "gzip, gzip, identity", "identity",
                "compress", "x-zip");
        Arbitrary<String> accept = Arbitraries.of("application/json", "*/*", "text/html", "application/xml",
                "application/problem+json", "application/json;q=0", "application/*", "garbage", "text/*;q=0.1, */*;q=0",
                "");
        Arbitrary<String> idempotencyKey = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("", " ", "k".repeat(255), "k".repeat(256), "k".repeat(5000), "\u043a\u043b\u044e\u0447",
                        "key with spaces", "key\twith\ttab", "fixed-key-1", "fixed-key-2"));
        Arbitrary<String> etag = Arbitraries.oneOf(
                Arbitraries.of("*", "\"1\"", "\"2\"", "\"0\"", "W/\"1\"", "\"99999999999999999999\"", "\"-1\"", "garbage",
                        "\"1\", \"2\", \"x\"", ",,,,", "\"", "\"\"", "W/*", "*, \"1\""),
                Arbitraries.longs().map(v -> "\"" + v + "\""),
                Arbitraries.strings().ascii().ofMaxLength(40).map(s -> s.replaceAll(CONTROL, "")));
        Arbitrary<Map.Entry<String, String>> header = Arbitraries.frequencyOf(
                Tuple.of(3, idempotencyKey.map(v -> Map.entry("Idempotency-Key", v))),
                Tuple.of(3, etag.map(v -> Map.entry("If-Match", v))),
                Tuple.of(2, etag.map(v -> Map.entry("If-None-Match", v))),
                Tuple.of(3, accept.map(v -> Map.entry("Accept", v))),
                Tuple.of(2, encoding.map(v -> Map.entry("Content-Encoding", v))),
                Tuple.of(1, Arbitraries.of("X-Forwarded-For", "Forwarded", "X-HTTP-Method-Override", "Origin",
                        "Accept-Charset", "Accept-Encoding", "X-Request-Id", "Cookie")
                        .flatMap(name -> Arbitraries.strings().ascii().ofMaxLength(300)
                                .map(v -> Map.entry(name, v.replaceAll(CONTROL, ""))))),
                // Field values no HTTP parser may accept (a control character in them).
                Tuple.of(1, Arbitraries.of("\u0000", "\u0001", "\u000b", "\u001b[31m", "\u007f")
                        .map(ctl -> Map.entry("X-Fuzz", "before" + ctl + "after"))));
        Arbitrary<List<Map.Entry<String, String>>> extra = header.list().ofMaxSize(3);
        Arbitrary<List<Map.Entry<String, String>>> withContentType = Combinators.combine(contentType, extra)
                .as((type, rest) -> {
                    List<Map.Entry<String, String>> all = new ArrayList<>();
                    all.add(Map.entry("Content-Type", type));
                    all.addAll(rest);
                    return all;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(endpoint.hasBody() ? 10 : 1, withContentType),
                Tuple.of(endpoint.hasBody() ? 1 : 6, extra));
    }

    // ---- bodies

    private static Map<String, Object> validBody(Endpoint endpoint) {
        Map<String, Object> body = new LinkedHashMap<>();
        switch (endpoint) {
            case CREATE_SHOW -> {
                body.put("title", "Fuzzed show");
                body.put("startsAt", "2030-01-01T20:00:00Z");
                body.put("seats", List.of("A1", "A2"));
            }
            case HOLD -> {
                body.put("showId", "{show}");
                body.put("seats", List.of("A3"));
            }
            case CONFIRM -> body.put("paymentReference", "ref-1");
            default -> body.put("anything", "at all");
        }
        return body;
    }

    static Arbitrary<Object> jsonValues() {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.integers().map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)).map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of(new Raw("1e999999"), new Raw("-1e-999999"), new Raw("NaN"), new Raw("Infinity"),
                        new Raw("-0"), new Raw("0.0000000000000000000001"), new Raw("01"), new Raw("1."), new Raw(".5"),
                        new Raw("9".repeat(20_000)), new Raw("undefined"), new Raw("'single'"), new Raw("\"\\ud800\""),
                        new Raw("\"\\u0000\""), new Raw("\"bad \\x escape\""), new Raw("/* comment */ 1")),
                Arbitraries.strings().ofMaxLength(50).map(Object.class::cast),
                Arbitraries.of("", " ", "A1", "a1", "Z99", "A1 ", "A-1", "\u00c41", "2030-01-01T20:00:00Z", "2030-02-30T25:00:00Z",
                        "yesterday", "{show}", "00000000-0000-0000-0000-000000000000", "x".repeat(300), "x".repeat(60_000))
                        .map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.just(null));
        Arbitrary<Object> labels = Arbitraries.oneOf(
                Arbitraries.of("A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B2", "B10", "A11", "C1", "a1", "", "A1A1",
                        "x".repeat(17)).map(Object.class::cast),
                Arbitraries.integers().between(-1, 20).map(Object.class::cast),
                Arbitraries.just(null)).list().ofMaxSize(14).map(Object.class::cast);
        Arbitrary<Object> containers = Arbitraries.lazyOf(
                () -> Arbitraries.oneOf(scalars, labels).list().ofMaxSize(4).map(Object.class::cast),
                () -> Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10), scalars)
                        .ofMaxSize(3).map(Object.class::cast));
        return Arbitraries.frequencyOf(Tuple.of(6, scalars), Tuple.of(2, labels), Tuple.of(2, containers));
    }

    private static Arbitrary<Object> mutatedTree(Endpoint endpoint) {
        Arbitrary<String> fieldNames = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("title", "startsAt", "seats", "rows", "seatsPerRow", "showId",
                        "paymentReference", "id", "status", "customerId", "version")),
                Tuple.of(2, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)),
                Tuple.of(1, Arbitraries.of("", "SEATS", "seats ", "__proto__", "constructor", "$where")));
        Arbitrary<Object[]> edit = Combinators.combine(Arbitraries.integers().between(0, 2), fieldNames, jsonValues())
                .as((op, name, value) -> new Object[] { op, name, value });
        return edit.list().ofMinSize(0).ofMaxSize(3).map(edits -> {
            Map<String, Object> tree = validBody(endpoint);
            for (Object[] e : edits) {
                switch ((Integer) e[0]) {
                    case 0 -> tree.remove((String) e[1]);
                    default -> tree.put((String) e[1], e[2]);
                }
            }
            return tree;
        });
    }

    private static Arbitrary<byte[]> wholeBodies() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
                Arbitraries.of("", " ", "\r\n", "null", "true", "0", "[]", "{}", "[{}]", "\"text\"", "{\"a\":1}{\"b\":2}",
                        "{,}", "{\"seats\":}", "\uFEFF{}", "{\"showId\":\"{show}\",\"seats\":[\"A1\"],}",
                        "<xml/>", "showId=x&seats=A1", "\u0000", "{\"seats\":[\"A1\"]\u0000}")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(1, 120_000).flatMap(depth -> Arbitraries.of("[", "{\"a\":")
                        .map(open -> (open.repeat(depth) + (open.equals("[") ? "]".repeat(depth) : "1" + "}".repeat(depth)))
                                .getBytes(StandardCharsets.UTF_8))),
                Arbitraries.of(60_000, 65_000, 65_536, 65_537, 70_000, 300_000).map(n -> ("{\"title\":\"" + "x".repeat(n)
                        + "\"}").getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of(new byte[] { (byte) 0xC3, 0x28 }, new byte[] { (byte) 0xFF, (byte) 0xFE },
                        new byte[] { (byte) 0xC0, (byte) 0xAF }, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
                        new byte[] { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 })
                        .map(bad -> concat("{\"title\":\"".getBytes(StandardCharsets.UTF_8), bad,
                                "\",\"startsAt\":\"2030-01-01T20:00:00Z\",\"seats\":[\"A1\"]}".getBytes(StandardCharsets.UTF_8))));
    }

    private static Arbitrary<Mutation> mutations() {
        Arbitrary<byte[]> inserts = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8),
                Arbitraries.of("\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\u0000", "null", "\"showId\":\"x\",",
                        "\"seats\":[],", "\"title\":1,", " ", "\uFEFF", "/*", "'").map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of(new byte[] { (byte) 0xC3 }, new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
                        new byte[] { (byte) 0xE2, (byte) 0x82 }));
        return Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(Arbitraries.of("insert", "overwrite"), Arbitraries.integers(), inserts)
                        .as(Mutation::new)),
                Tuple.of(1, Arbitraries.integers().map(p -> new Mutation("truncate", p, new byte[0]))),
                Tuple.of(1, Arbitraries.of("gzip", "utf16").map(k -> new Mutation(k, 0, new byte[0]))));
    }

    private static Arbitrary<Body> body(Endpoint endpoint) {
        Arbitrary<Body> tree = Combinators.combine(mutatedTree(endpoint), mutations().list().ofMaxSize(2))
                .as((t, m) -> new Body(t, null, m));
        Arbitrary<Body> wrongType = jsonValues().map(v -> new Body(v, null, List.of()));
        Arbitrary<Body> duplicateKeys = Arbitraries.of("showId", "seats", "title", "paymentReference")
                .map(key -> new Body(new Raw("{\"" + key + "\":\"first\"," + Json.write(validBody(endpoint), null).substring(1)),
                        null, List.of()));
        Arbitrary<Body> whole = wholeBodies().map(bytes -> new Body(null, bytes, List.of()));
        Arbitrary<Body> none = Arbitraries.just(new Body(NONE, null, List.of()));
        return endpoint.hasBody()
                ? Arbitraries.frequencyOf(Tuple.of(8, tree), Tuple.of(2, wrongType), Tuple.of(1, duplicateKeys),
                        Tuple.of(4, whole), Tuple.of(2, none))
                : Arbitraries.frequencyOf(Tuple.of(8, none), Tuple.of(1, tree), Tuple.of(1, whole));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String encode(String s) {
        // Query values that are already %-escapes in the generator (%00, %ZZ) go out as such, once.
        return s.startsWith("%") && s.length() <= 3 ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A tiny JSON writer that also writes {@link Raw} literals and resolves fixture symbols. */
    static final class Json {
        static String write(Object value, FuzzFixture fixture) {
            StringBuilder out = new StringBuilder();
            write(value, fixture, out);
            return out.toString();
        }

        private static void write(Object value, FuzzFixture fixture, StringBuilder out) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof Raw raw) {
                out.append(fixture == null ? raw.text() : raw.text().replace("{show}", fixture.showId));
            } else if (value instanceof String s) {
                String text = fixture == null ? s : fixture.resolve(s);
                out.append('"');
                for (char c : text.toCharArray()) {
                    switch (c) {
                        case '"' -> out.append("\\\"");
                        case '\\' -> out.append("\\\\");
                        default -> {
                            if (c < 0x20) {
                                out.append(String.format("\\u%04x", (int) c));
                            } else {
                                out.append(c);
                            }
                        }
                    }
                }
                out.append('"');
            } else if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(String.valueOf(e.getKey()), fixture, out);
                    out.append(':');
                    write(e.getValue(), fixture, out);
                }
                out.append('}');
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), fixture, out);
                }
                out.append(']');
            } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
                out.append(d);
            } else {
                out.append(value);
            }
        }
    }
}
