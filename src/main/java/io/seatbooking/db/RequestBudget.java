package io.seatbooking.db;

import java.util.function.BooleanSupplier;

/**
 * What an HTTP request may still spend: its deadline, and whether its client is still there. The
 * web edge attaches one to the request's own (duplicated) Vert.x context; {@link GuardedPool}
 * reads it before it hands out a connection, so a request that can no longer be answered starts
 * no database work, and anything without one is served from the consumers' pool (a consumed
 * message, {@link ConsumerWork}) or the background pool.
 *
 * @param deadlineNanos {@link System#nanoTime()} after which the answer is of no use
 * @param clientGone true once the client has closed the connection or the response was sent
 */
public record RequestBudget(long deadlineNanos, BooleanSupplier clientGone) {

    private static final String KEY = RequestBudget.class.getName();

    /** Whether the request can no longer be answered usefully at {@code nowNanos}. */
    public boolean spent(long nowNanos) {
        return nowNanos - deadlineNanos >= 0 || clientGone.getAsBoolean();
    }

    /** Nanoseconds left at {@code nowNanos} (never negative). */
    public long remainingNanos(long nowNanos) {
        return Math.max(0, deadlineNanos - nowNanos);
    }

    /** Attaches this budget to the current request context; false if there is none to attach to. */
    public boolean attach() {
        return ContextLocals.put(KEY, this);
    }

    /** The budget of the request running on the current context, or null outside a request. */
    public static RequestBudget current() {
        return ContextLocals.get(KEY);
    }
}
