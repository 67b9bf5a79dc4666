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
    final List<String> letterIds;
    final Map<String, String> authorizations = new LinkedHashMap<>();
    private final Instant runStart;
    private final Connection db;

    FuzzFixture(Callers callers, Instant runStart) throws SQLException {
        this.callers = callers;
        this.runStart = runStart;
        String owner = Tokens.customer(callers.owner());
        showId = Api.createShow(List.of("A", "B"), 10);
        heldBookingId = Api.holdSeats(owner, showId, "A1", "A2");
        confirmedBookingId = Api.holdSeats(owner, showId, "B1");
        Api.confirm(owner, confirmedBookingId).then().statusCode(200);
        letterIds = List.of(parkedLetter(), parkedLetter());

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
    }

    /** Resolves a symbolic id of the generated requests to this fixture's. */
    String resolve(String symbol) {
        return switch (symbol) {
            case "{show}" -> showId;
            case "{held}" -> heldBookingId;
            case "{confirmed}" -> confirmedBookingId;
            case "{letter}" -> letterIds.get(0);
            case "{letter2}" -> letterIds.get(1);
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
                 (SELECT string_agg(concat_ws(':', id, title, starts_at, capacity, version), ',') FROM show WHERE id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', label, status, booking_id, version), ',' ORDER BY label)
                    FROM seat WHERE show_id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', id, status, version, customer_id, payment_reference, expires_at,
                         updated_at, array_to_string(seats, '/')), ',' ORDER BY id) FROM booking WHERE show_id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', booking_id, label, live), ',' ORDER BY booking_id, label)
                    FROM booking_seat WHERE show_id = ?::uuid),
                 (SELECT string_agg(concat_ws(':', id, event_type, subject, sequence), ',' ORDER BY id) FROM outbox_event
                   WHERE subject = ? OR subject = ANY (?) OR subject IN (SELECT id::text FROM booking WHERE show_id = ?::uuid)),
                 (SELECT string_agg(concat_ws('|', caller, idempotency_key, state, response_status), E'\\n'
                         ORDER BY caller, idempotency_key) FROM idempotency_record WHERE caller = ANY (?)),
                 (SELECT string_agg(concat_ws(':', id, status, resolved_at, resolved_by, replay_event_id), ',' ORDER BY id)
                    FROM dead_letter WHERE id = ANY (?::uuid[])),
                 (SELECT count(*) FROM show WHERE created_at >= ?)
                """;
        try (PreparedStatement s = db.prepareStatement(sql)) {
            Array letterSubjects = db.createArrayOf("text", letterIds.stream().map(id -> "dead-letter/" + id).toArray());
            s.setString(1, showId);
            s.setString(2, showId);
            s.setString(3, showId);
            s.setString(4, showId);
            s.setString(5, showId);
            s.setArray(6, letterSubjects);
            s.setString(7, showId);
            s.setArray(8, db.createArrayOf("text", new Object[] { callers.owner(), callers.other(), callers.admin() }));
            s.setArray(9, db.createArrayOf("text", letterIds.toArray()));
            s.setTimestamp(10, Timestamp.from(runStart));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Map<String, String> snapshot = new LinkedHashMap<>();
                String[] names = { "show", "seats", "bookings", "seatClaims", "outbox", "idempotency", "deadLetters",
                        "showsCreatedInRun" };
                for (int i = 0; i < names.length; i++) {
                    snapshot.put(names[i], String.valueOf(r.getString(i + 1)));
                }
                return snapshot;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
