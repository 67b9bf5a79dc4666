package io.seatbooking.reliability.hostile;


import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;


import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.PaymentMessages;
import io.seatbooking.support.Tokens;

/**
 * The data one stretch of fuzzed requests may aim at: a show of 20 seats with a HELD and a
 * CONFIRMED booking, two parked dead letters, and the callers' tokens (good and forged). Its
 * {@link #snapshot()} reads everything a request could have changed, scoped to this fixture and
 * to the run's callers, so a concurrent writer elsewhere in the database cannot disturb it.
 */
final class FuzzFixture implements AutoCloseable {

    /** The run's callers: their subjects scope the idempotency records. */
    record Callers(String owner, String other, String admin) {
        static Callers fresh() {
            String run = UUID.randomUUID().toString().substring(0, 8);
            return new Callers("fuzz-owner-" + run, "fuzz-other-" + run, "fuzz-admin-" + run);
        }
    }

    final Callers callers;
    final String showId;
    final String heldBookingId;
    final String confirmedBookingId;
    /** A second, cancelled show: holds on it are refused. */
    final String cancelledShowId;
    /** An id no bulk job has. */
    final String unknownJobId = UUID.randomUUID().toString();
    final List<String> letterIds;
    final Map<String, String> authorizations = new LinkedHashMap<>();
    private final Instant runStart;
    private final Connection db;
    /**
     * The last outbox id before this fixture's requests: the snapshot reads only rows after it (an
     * index range instead of a scan of the whole outbox, which other tests of the run have filled),
     * and a request can only add rows; it changes no earlier one but for their publication time.
     */
    private final long outboxFloor;

    FuzzFixture(Callers callers, Instant runStart) throws SQLException {
        this.callers = callers;
        this.runStart = runStart;
        String owner = Tokens.customer(callers.owner());
        showId = Api.createShow(List.of("A", "B"), 10);
        heldBookingId = Api.holdSeats(owner, showId, "A1", "A2");
        confirmedBookingId = Api.holdSeats(owner, showId, "B1");
        Api.confirm(owner, confirmedBookingId).then().statusCode(200);
        letterIds = List.of(parkedLetter(), parkedLetter());
        cancelledShowId = Api.createShow("A1", "A2");
        io.restassured.RestAssured.given().auth().oauth2(Tokens.admin()).when()
                .post("/api/shows/{id}/cancel", cancelledShowId).then().statusCode(202);

        authorizations.put("owner", "Bearer " + owner);
        authorizations.put("other", "Bearer " + Tokens.customer(callers.other()));
        authorizations.put("admin", "Bearer " + Tokens.withGroups(callers.admin(), "admin"));
        authorizations.put("admin+customer", "Bearer " + Tokens.withGroups(callers.admin(), "admin", "customer"));
        authorizations.put("no-roles", "Bearer " + Tokens.withoutRoles(callers.owner()));
        authorizations.put("expired", "Bearer " + Tokens.expired(callers.owner()));
        authorizations.put("another-key", "Bearer " + Tokens.signedWithAnotherKey(callers.admin()));
        authorizations.put("another-issuer", "Bearer " + Tokens.fromAnotherIssuer(callers.admin()));
        authorizations.put("alg-none", "Bearer " + Tokens.algNone(callers.admin()));
        authorizations.put("tampered", "Bearer " + Tokens.tamperedPayload(callers.owner()));
        authorizations.put("hs256-public-key", "Bearer " + Tokens.hs256WithPublicKeyAsSecret(callers.admin()));
        authorizations.put("not-yet-valid", "Bearer " + Tokens.notYetValid(callers.admin()));
        List<String> malformed = Tokens.malformedAuthorizations(callers.owner());
        for (int i = 0; i < malformed.size(); i++) {
            authorizations.put("malformed-" + i, malformed.get(i));
        }
        db = Db.connection();
        try (PreparedStatement s = db.prepareStatement("SELECT coalesce(max(id), 0) FROM outbox_event");
                ResultSet r = s.executeQuery()) {
            r.next();
            outboxFloor = r.getLong(1);
        }
    }

    /** Resolves a symbolic id of the generated requests to this fixture's. */
    String resolve(String symbol) {
        return switch (symbol) {
            case "{show}" -> showId;
            case "{held}" -> heldBookingId;
            case "{confirmed}" -> confirmedBookingId;
            case "{letter}" -> letterIds.get(0);
            case "{letter2}" -> letterIds.get(1);
            case "{otherShow}" -> cancelledShowId;
            case "{job}" -> unknownJobId;
            default -> symbol;
        };
    }

    String authorization(String kind) {
        return authorizations.get(kind);
    }

    private static String parkedLetter() {
        String messageId = "http-fuzz-" + UUID.randomUUID();
        return PaymentMessages.parkedPoison(PaymentsTopology.PAYMENT_FAILED, messageId, "not json " + messageId, Map.of());
    }

    /**
     * Everything a request could have changed: the show, its seats with versions, its bookings,
     * the outbox rows about the show, its bookings and the letters, the idempotency records of
     * the run's callers, the letters, and how many shows were created since the run started.
     * Published-at times of outbox rows are left out: the relay changes them on its own.
     */
    Map<String, String> snapshot() throws SQLException {
        String sql = """
                SELECT
                 (SELECT string_agg(concat_ws(':', id, title, starts_at, capacity, version), ',' ORDER BY id) FROM show
                   WHERE id = ANY (?::uuid[])),
                 (SELECT string_agg(concat_ws(':', label, status, booking_id, version), ',' ORDER BY label)
                    FROM seat WHERE show_id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', id, status, version, customer_id, payment_reference, expires_at,
                         updated_at, array_to_string(seats, '/')), ',' ORDER BY id) FROM booking WHERE show_id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', booking_id, label, live), ',' ORDER BY booking_id, label)
                    FROM booking_seat WHERE show_id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', id, event_type, subject, sequence), ',' ORDER BY id) FROM outbox_event
                   WHERE id > ? AND (subject = ANY (?) OR subject = ANY (?)
                         OR subject IN (SELECT id::text FROM booking WHERE show_id = ?::uuid))),
                 (SELECT string_agg(concat_ws('|', caller, idempotency_key, state, response_status), E'\\n'
                         ORDER BY caller, idempotency_key) FROM idempotency_record WHERE caller = ANY (?)),
                 (SELECT string_agg(concat_ws(':', id, status, resolved_at, resolved_by, replay_event_id), ',' ORDER BY id)
                    FROM dead_letter WHERE id = ANY (?::uuid[])),
                 (SELECT count(*) FROM show WHERE created_at >= ?),
                 (SELECT string_agg(concat_ws(':', show_id, opens_at), ',' ORDER BY show_id) FROM waiting_room
                   WHERE show_id = ANY (?::uuid[])),
                 (SELECT count(*) FROM queue_ticket WHERE show_id = ANY (?::uuid[])),
                 (SELECT count(*) FROM dead_letter_bulk_job WHERE requested_by = ANY (?))
                """;
        try (PreparedStatement s = db.prepareStatement(sql)) {
            Array shows = db.createArrayOf("text", new Object[] { showId, cancelledShowId });
            Array letterSubjects = db.createArrayOf("text", letterIds.stream().map(id -> "dead-letter/" + id).toArray());
            Array callerIds = db.createArrayOf("text", new Object[] { callers.owner(), callers.other(), callers.admin() });
            s.setArray(1, shows);
            s.setString(2, showId);
            s.setString(3, showId);
            s.setString(4, showId);
            s.setLong(5, outboxFloor);
            s.setArray(6, shows);
            s.setArray(7, letterSubjects);
            s.setString(8, showId);
            s.setArray(9, callerIds);
            s.setArray(10, db.createArrayOf("text", letterIds.toArray()));
            s.setTimestamp(11, Timestamp.from(runStart));
            s.setArray(12, shows);
            s.setArray(13, shows);
            s.setArray(14, callerIds);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Map<String, String> snapshot = new LinkedHashMap<>();
                String[] names = { "show", "seats", "bookings", "seatClaims", "outbox", "idempotency", "deadLetters",
                        "showsCreatedInRun", "waitingRooms", "queueTickets", "bulkJobs" };
                for (int i = 0; i < names.length; i++) {
                    snapshot.put(names[i], String.valueOf(r.getString(i + 1)));
                }
                return snapshot;
            }
        }
    }

    /**
     * The documented exception to "a rejected request changes nothing": a 404, 409 or 412 answer
     * to a request with an Idempotency-Key is an answer about the world, stored under the key so a
     * retry gets the same. Allowed when that is the only difference: one new COMPLETED record of
     * this key with this status.
     */
    static boolean isStoredIdempotentAnswer(RawHttp.Request request, int status, Map<String, String> before,
            Map<String, String> after) {
        if (status != 404 && status != 409 && status != 412) {
            return false;
        }
        String key = request.headers().stream().filter(h -> h.getKey().equals("Idempotency-Key"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (key == null) {
            return false;
        }
        for (String section : before.keySet()) {
            if (!section.equals("idempotency") && !before.get(section).equals(after.get(section))) {
                return false;
            }
        }
        List<String> old = rows(before.get("idempotency"));
        List<String> now = rows(after.get("idempotency"));
        if (!now.containsAll(old) || now.size() != old.size() + 1) {
            return false;
        }
        now.removeAll(old);
        String added = now.get(0);
        return added.endsWith("|" + key + "|COMPLETED|" + status) || added.contains("|" + key.trim() + "|COMPLETED|" + status);
    }

    private static List<String> rows(String aggregate) {
        return "null".equals(aggregate) ? new java.util.ArrayList<>()
                : new java.util.ArrayList<>(List.of(aggregate.split("\n")));
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
