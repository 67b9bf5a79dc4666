package io.seatbooking.db;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Classifies database failures: those worth retrying inside the service (serialization failures,
 * deadlocks), and those that mean the database is out of reach (answered 503).
 */
public final class DatabaseFailures {

    private static final Set<String> CONCURRENCY_STATES = Set.of("40001", "40P01");

    private DatabaseFailures() {
    }

    /** A serialization failure or deadlock: the transaction can simply run again. */
    public static boolean isConcurrencyConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && CONCURRENCY_STATES.contains(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    /** The database (or another dependency) cannot be reached right now. */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // SocketException covers a refused connection and one reset under a running statement
            // (the database restarting); the service opens sockets only to its dependencies.
            if (t instanceof SocketException || t instanceof ClosedConnectionException
                    || t instanceof ClosedChannelException
                    || t instanceof TimeoutException
                    || t instanceof ConnectTimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P")
                            // too_many_connections: a new primary filling up while old connections linger
                            || pg.getSqlState().equals("53300"))) {
                return true;
            }
            String message = t.getMessage();
            // "Connection reset by peer" also comes as a plain IOException (Netty's native transport),
            // and so does "Broken pipe": a statement written to a connection the database side closed.
            if (message != null && (message.contains("Connection is not active")
                    || message.contains("Connection refused") || message.contains("Connection reset")
                    || message.contains("Broken pipe") || message.contains("Timeout"))) {
                return true;
            }
        }
        return false;
    }
}
