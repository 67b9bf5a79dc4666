package io.seatbooking.deadletter;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.LongString;

/** Converts AMQP header values (tables, arrays, long strings, timestamps) to JSON values and back. */
public final class AmqpValues {

    private AmqpValues() {
    }

    /** The headers as JSON-compatible values: strings, numbers, booleans, lists and maps. */
    public static Map<String, Object> toJson(Map<String, Object> headers) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> json.put(name, value(value)));
        }
        return json;
    }

    private static Object value(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof LongString s) {
            return s.toString();
        }
        if (value instanceof Date d) {
            return d.toInstant().toString();
        }
        if (value instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(value(v)));
            return out;
        }
        if (value instanceof Object[] array) {
            return value(List.of(array));
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
            return out;
        }
        return value.toString();
    }

    /** A header value as text (the outbox carries string headers); tables and arrays are dropped. */
    public static String text(Object value) {
        if (value == null || value instanceof List<?> || value instanceof Map<?, ?>) {
            return null;
        }
        return value.toString();
    }
}
