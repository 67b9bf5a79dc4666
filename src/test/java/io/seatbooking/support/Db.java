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
 * Plain JDBC against the database the application under test uses (straight to PostgreSQL,
 * never through the service's pool or a test's fault-injecting proxy), for what the API does not
 * show: seat claims, outbox rows, the payments inbox, parked letters, and setting a hold's
 * expiry into the past.
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
        try (Connection c = connection(); PreparedStatement statement = prepare(c, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = connection(); PreparedStatement statement = prepare(c, sql, params);
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

    /** The first column of the first row, as text; null when there is no row. */
    public static String value(String sql, Object... params) {
        List<String> values = values(sql, params);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The first column of every row, as text. */
    public static List<String> values(String sql, Object... params) {
        try (Connection c = connection(); PreparedStatement statement = prepare(c, sql, params);
                ResultSet rs = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** A booking's status (HELD, CONFIRMED, ...); null if there is no such booking. */
    public static String bookingStatus(String bookingId) {
        return value("SELECT status FROM booking WHERE id = ?::uuid", bookingId);
    }

    public static long bookingVersion(String bookingId) {
        return count("SELECT version FROM booking WHERE id = ?::uuid", bookingId);
    }

    /** Event types written to the outbox for one subject (a booking or show id), oldest first. */
    public static List<String> eventTypes(String subject) {
        return rows("SELECT event_type FROM outbox_event WHERE subject = ? ORDER BY id", subject).stream()
                .map(row -> (String) row.get("event_type")).toList();
    }

    /** As {@link #eventTypes}, each with its sequence: {@code booking.held@1}. */
    public static List<String> eventTypesAndSequences(String subject) {
        return values("SELECT event_type || '@' || sequence FROM outbox_event WHERE subject = ? ORDER BY id", subject);
    }

    /** How many outbox rows of this type one subject has. */
    public static long eventCount(String subject, String type) {
        return count("SELECT count(*) FROM outbox_event WHERE subject = ? AND event_type = ?", subject, type);
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

    /** The payments inbox's outcome for a message id; null while the message is not processed. */
    public static String inboxOutcome(String messageId) {
        return value("SELECT outcome FROM payment_inbox WHERE message_id = ?", messageId);
    }

    /** A row of the parking table, as much of it as tests look at. */
    public record ParkedLetter(String id, String reason, int attempts, String status) {
    }

    /** The parked letters of a message id, oldest first. */
    public static List<ParkedLetter> deadLetters(String messageId) {
        return rows("SELECT id::text, reason, attempts, status FROM dead_letter WHERE message_id = ? ORDER BY parked_at",
                messageId).stream().map(row -> new ParkedLetter((String) row.get("id"), (String) row.get("reason"),
                        ((Number) row.get("attempts")).intValue(), (String) row.get("status"))).toList();
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

    /** A connection of the test's own (close it), for what needs one: a transaction held open, say. */
    public static Connection connection() throws SQLException {
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
