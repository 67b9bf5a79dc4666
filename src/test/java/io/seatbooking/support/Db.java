package io.seatbooking.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plain JDBC against the database the application under test uses, for what the API does not
 * show: seat claims, outbox rows, and setting a hold's expiry into the past.
 */
public final class Db {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Db() {
    }

    public static long count(String sql, Object... params) {
        List<Map<String, Object>> rows = rows(sql, params);
        return ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    public static int update(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement statement = prepare(c, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement statement = prepare(c, sql, params);
                ResultSet rs = statement.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Event types written to the outbox for one subject (a booking or show id), oldest first. */
    public static List<String> eventTypes(String subject) {
        return rows("SELECT event_type FROM outbox_event WHERE subject = ? ORDER BY id", subject).stream()
                .map(row -> (String) row.get("event_type")).toList();
    }

    /** The CloudEvents of one subject, oldest first, as the relay would publish them. */
    public static List<JsonNode> events(String subject) {
        return rows("SELECT payload FROM outbox_event WHERE subject = ? ORDER BY id", subject).stream()
                .map(row -> parse((byte[]) row.get("payload"))).toList();
    }

    /**
     * All outbox rows about a show: its own events and those of its bookings. Only this service's
     * booking events are parsed (CASE fixes the order); the outbox also holds replays of
     * malformed messages and the relay tests' raw rows, which are not JSON.
     */
    public static long outboxRowsOfShow(String showId) {
        return count("""
                SELECT count(*) FROM outbox_event
                 WHERE subject = ?
                    OR CASE WHEN exchange = 'booking.events' AND event_type LIKE 'booking.%'
                            THEN convert_from(payload, 'UTF8')::jsonb #>> '{data,showId}'
                       END = ?
                """, showId, showId);
    }

    /** Moves a hold's expiry into the past, as if its time had run out. */
    public static void expireHold(String bookingId) {
        int updated = update(
                "UPDATE booking SET expires_at = now() - interval '1 second' WHERE id = ?::uuid AND status = 'HELD'",
                bookingId);
        if (updated != 1) {
            throw new IllegalStateException("No HELD booking " + bookingId);
        }
    }

    private static JsonNode parse(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Connection connect() throws SQLException {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String user = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres");
        String password = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        return DriverManager.getConnection(url, user, password);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
