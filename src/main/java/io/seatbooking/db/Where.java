package io.seatbooking.db;

import io.vertx.mutiny.sqlclient.Tuple;

/** A WHERE clause of fixed fragments with numbered parameters: no value ever enters the SQL text. */
public final class Where {
    public final Tuple params = Tuple.tuple();
    private final StringBuilder clause = new StringBuilder();
    private int count;
    public String sql = "";

    /** Adds {@code fragment} (ending in {@code $}) with its value; a null value adds nothing. */
    public void add(String fragment, Object value) {
        if (value == null) {
            return;
        }
        count++;
        clause.append(clause.isEmpty() ? " WHERE " : " AND ").append(fragment).append(count);
        params.addValue(value);
        sql = clause.toString();
    }

    /** Adds a parameter for what follows the clause (LIMIT, OFFSET) and answers its placeholder. */
    public String next(Object value) {
        count++;
        params.addValue(value);
        return "$" + count;
    }
}
