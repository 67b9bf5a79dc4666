package io.seatbooking.db;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionBase;

/**
 * Bounds every round trip of the pools' connections: a connection that has neither sent nor
 * received a byte for {@code db.read-timeout} is closed ({@link Pools} builds both pools here).
 * The reactive PostgreSQL client has no per-query timeout, so without this a connection whose
 * packets vanish (a network partition, a black-holed primary: no reset, no answer) keeps its
 * request waiting until the kernel gives the TCP connection up, which takes hours. Closed, the
 * statement fails with a closed-connection error, the request answers 503
 * ({@link DatabaseFailures#isUnavailable}) and the pool opens a new connection.
 *
 * <p><b>Why a handler of its own, first in the channel.</b> The client's own idle timeout
 * ({@code NetClientOptions.setIdleTimeout}) closes through the channel pipeline, and the
 * PostgreSQL encoder in it (vertx-pg-client 4.5) turns every close into a polite one: it sends
 * {@code Terminate}, shuts its output down and waits for the server to close the socket. A
 * partitioned server never does, so the connection stayed open, its statement never failed and its
 * pool slot was never freed (found by {@code PostgresFailoverIT}'s partition scenario; reproduced
 * by {@code PartitionedDatabaseTest}). The handler added here sits before the codec, so its close
 * goes straight to the socket.
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

    private static final Logger LOG = Logger.getLogger(BoundedRoundTrips.class);

    /** The name of the handler in each connection's channel pipeline. */
    static final String HANDLER = "seatbooking-bounded-round-trips";

    private BoundedRoundTrips() {
    }

    /**
     * A pool of {@code options}'s size connecting to {@code targets}, whose connections close after
     * {@code readTimeout} without a byte either way and which retires idle connections before that.
     */
    public static Pool pool(Vertx vertx, PoolOptions options, List<PgConnectOptions> targets, Duration readTimeout) {
        return PgBuilder.pool()
                .with(retiringIdleConnections(new PoolOptions(options), readTimeout))
                .connectingTo(keepingAlive(targets))
                .withConnectHandler(connection -> {
                    try {
                        bound(connection, readTimeout);
                    } finally {
                        connection.close(); // hands the new connection to the pool
                    }
                })
                .using(vertx)
                .build();
    }

    /** Copies of {@code options} with TCP keep-alive on. */
    private static List<SqlConnectOptions> keepingAlive(List<PgConnectOptions> options) {
        return options.stream().<SqlConnectOptions>map(o -> new PgConnectOptions(o).setTcpKeepAlive(true)).toList();
    }

    /** Makes {@code pool} retire idle connections after half the bound at the latest. */
    static PoolOptions retiringIdleConnections(PoolOptions pool, Duration readTimeout) {
        long idleMillis = pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout());
        long retireAfter = readTimeout.toMillis() / 2;
        if (idleMillis <= 0 || idleMillis > retireAfter) {
            pool.setIdleTimeout((int) retireAfter).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        return pool;
    }

    /** Puts the silence bound first in the new connection's channel. */
    private static void bound(SqlConnection connection, Duration readTimeout) {
        Connection inner = connection instanceof SqlConnectionBase<?> base ? base.unwrap() : null;
        while (inner != null && inner.unwrap() != inner) {
            inner = inner.unwrap();
        }
        if (!(inner instanceof SocketConnectionBase socket)) {
            // Only a client upgrade can change this; the tests of the bound fail then.
            LOG.errorf("Cannot bound the round trips of %s: a silent database connection can hang its requests",
                    connection.getClass().getName());
            return;
        }
        socket.socket().channelHandlerContext().pipeline()
                .addFirst(HANDLER, new CloseWhenSilent(readTimeout.toMillis()));
    }

    /** Closes the channel at the socket (below the codec) after the bound without a byte either way. */
    private static final class CloseWhenSilent extends IdleStateHandler {

        CloseWhenSilent(long millis) {
            super(0, 0, millis, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            ctx.close();
        }
    }
}
