package io.seatbooking.deadletter.repository;

import io.vertx.mutiny.sqlclient.Tuple;

/** A WHERE clause of fixed fragments with numbered parameters: no value ever enters the SQL text. */
final class Where {
    final Tuple params = Tuple.tuple();
    private final StringBuilder clause = new StringBuilder();
    int count;
    String sql = "";

    /** Adds {@code fragment} (ending in {@code $}) with its value; a null value adds nothing. */
    void add(String fragment, Object value) {
        if (value == null) {
            return;
        }
        count++;
        clause.append(clause.isEmpty() ? " WHERE " : " AND ").append(fragment).append(count);
        params.addValue(value);
        sql = clause.toString();
    }

    /** Adds a parameter for what follows the clause (LIMIT, OFFSET) and answers its placeholder. */
    String next(Object value) {
        count++;
        params.addValue(value);
        return "$" + count;
    }
}
