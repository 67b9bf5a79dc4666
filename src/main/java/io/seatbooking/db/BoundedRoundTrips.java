package io.seatbooking.db;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Bounds every round trip of the pools' connections: a connection that has neither sent nor
 * received a byte for {@code db.read-timeout} is closed ({@link Pools} applies this to both
 * pools). The reactive PostgreSQL client has no per-query timeout, so without this a connection
 * whose packets vanish (a network partition, a black-holed primary: no reset, no answer) keeps its
 * request waiting until the kernel gives the TCP connection up, which takes minutes. Closed, the
 * statement fails with a closed-connection error, the request answers 503
 * ({@link DatabaseFailures#isUnavailable}) and the pool opens a new connection.
 *
 * <p>Sending a statement restarts the clock, so a statement has the whole bound for its answer.
 * So that a connection is never closed for mere idleness just as it is borrowed, the pools retire
 * idle connections earlier, after half the bound (or the configured idle timeout, if shorter).
 *
 * <p>The bound is on the client side on purpose: PostgreSQL's {@code statement_timeout} would also
 * cancel a commit that waits for a synchronous standby, and a cancelled wait leaves the commit
 * visible on the primary without the standby having it (docs/reliability.md). Closing the
 * connection instead leaves that commit waiting, invisible, until the standby confirms it.
 *
 * <p>Costs: a statement that legitimately takes longer than the bound fails (none of the service's
 * does). TCP keep-alive is switched on as well, so that a dead peer of an idle connection is noticed.
 * Only the pools' connections are bounded; the relay's LISTEN connection is not (the relay also
 * polls, outbox.relay.poll-interval).
 */
public final class BoundedRoundTrips {

    private BoundedRoundTrips() {
    }

    /** Copies of {@code options} whose connections close after {@code readTimeout} without a byte either way. */
    public static List<SqlConnectOptions> bounded(List<PgConnectOptions> options, Duration readTimeout) {
        return options.stream().<SqlConnectOptions>map(o -> {
            PgConnectOptions copy = new PgConnectOptions(o);
            copy.setIdleTimeout((int) readTimeout.toMillis());
            copy.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            copy.setTcpKeepAlive(true);
            return copy;
        }).toList();
    }

    /** Makes {@code pool} retire idle connections after half the bound at the latest. */
    public static PoolOptions retiringIdleConnections(PoolOptions pool, Duration readTimeout) {
        long idleMillis = pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout());
        long retireAfter = readTimeout.toMillis() / 2;
        if (idleMillis <= 0 || idleMillis > retireAfter) {
            pool.setIdleTimeout((int) retireAfter).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        return pool;
    }
}
