package io.seatbooking.db;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.jboss.logging.Logger;

import io.quarkus.arc.Unremovable;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Creates the reactive pool as Quarkus would (its pool options, its connect options), with one
 * addition: a connection that has neither sent nor received a byte for {@code db.read-timeout} is
 * closed. The reactive PostgreSQL client has no per-query timeout, so without this a connection
 * whose packets vanish (a network partition, a black-holed primary: no reset, no answer) keeps its
 * request waiting until the kernel gives the TCP connection up, which takes minutes. Closed, the
 * statement fails with a closed-connection error, the request answers 503
 * ({@link DatabaseFailures#isUnavailable}) and the pool opens a new connection.
 *
 * <p>Sending a statement restarts the clock, so a statement has the whole bound for its answer.
 * So that a connection is never closed for mere idleness just as it is borrowed, the pool retires
 * idle connections earlier, after half the bound (or the configured idle timeout, if shorter).
 *
 * <p>The bound is on the client side on purpose: PostgreSQL's {@code statement_timeout} would also
 * cancel a commit that waits for a synchronous standby, and a cancelled wait leaves the commit
 * visible on the primary without the standby having it (docs/reliability.md). Closing the
 * connection instead leaves that commit waiting, invisible, until the standby confirms it.
 *
 * <p>Costs: a statement that legitimately takes longer than the bound fails (none of the service's
 * does). TCP keep-alive is switched on as well, so that a dead peer of an idle connection is noticed.
 * Only the pool's connections are bounded; the relay's LISTEN connection is not (the relay also
 * polls, outbox.relay.poll-interval).
 */
@ApplicationScoped
// Quarkus looks the creator up programmatically: keep ArC from removing it as unused.
@Unremovable
public class BoundedRoundTrips implements PgPoolCreator {

    private static final Logger LOG = Logger.getLogger(BoundedRoundTrips.class);

    private final Duration readTimeout;

    public BoundedRoundTrips(@ConfigProperty(name = "db.read-timeout", defaultValue = "PT10S") Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = new PoolOptions(input.poolOptions());
        long idleMillis = pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout());
        long retireAfter = readTimeout.toMillis() / 2;
        if (idleMillis <= 0 || idleMillis > retireAfter) {
            pool.setIdleTimeout((int) retireAfter).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        LOG.infof("Database pool: a connection silent for %s is closed; idle connections retired after %d ms",
                readTimeout, pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout()));
        return PgBuilder.pool()
                .with(pool)
                .connectingTo(bounded(input.pgConnectOptionsList(), readTimeout))
                .using(input.vertx())
                .build();
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
}
