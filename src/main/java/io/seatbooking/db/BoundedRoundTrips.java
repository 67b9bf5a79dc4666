package io.seatbooking.db;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
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
 * Bounds every round trip of the pools' connections: a connection that waits for the server's
 * answer and has received nothing for {@code db.read-timeout} is closed ({@link Pools} builds both
 * pools here). The reactive PostgreSQL client has no per-query timeout, so without this a
 * connection whose packets vanish (a network partition, a black-holed primary: no reset, no
 * answer) keeps its request waiting until the kernel gives the TCP connection up, which takes
 * hours. Closed, the statement fails with a closed-connection error, the request answers 503
 * ({@link DatabaseFailures#isUnavailable}) and the pool opens a new connection. (The client fails the
 * closed connection's statements before it takes the connection out of the pool, so a request that
 * acquires in that instant can be handed the closed connection; it fails the same way, 503, without
 * having sent anything.)
 *
 * <p><b>Only while an answer is due.</b> An answer is due while the requests sent outnumber the
 * {@code ReadyForQuery} messages received ({@link RoundTrips}), or while bytes went out after the
 * last ones came in (the count alone once left a silent connection unbounded in
 * {@code PartitionedDatabaseTest}, 2 runs of 4; why is not known). So an idle connection is never
 * closed, and the pool
 * keeps its idle connections as configured ({@code quarkus.datasource.reactive.idle-timeout}). An
 * earlier bound closed any connection silent for the bound, idle or not, which made the pools
 * retire idle connections after half of it: the first burst after five quiet seconds then waited
 * for new connections, and the write path shed 1.7-3.5 % of holds at a rate it serves in full
 * (bench/analysis.md).
 *
 * <p><b>Why a handler of its own, below the codec.</b> The client's own idle timeout
 * ({@code NetClientOptions.setIdleTimeout}) closes through the channel pipeline, and the
 * PostgreSQL encoder in it (vertx-pg-client 4.5) turns every close into a polite one: it sends
 * {@code Terminate}, shuts its output down and waits for the server to close the socket. A
 * partitioned server never does, so the connection stayed open, its statement never failed and its
 * pool slot was never freed (found by {@code PostgresFailoverIT}'s partition scenario; reproduced
 * by {@code PartitionedDatabaseTest}). This handler sits next to the socket (after TLS, if any;
 * the TLS case is not exercised by the tests, since the service connects without TLS by default),
 * so its close goes straight to it.
 *
 * <p>The bound is on the client side on purpose: PostgreSQL's {@code statement_timeout} would also
 * cancel a commit that waits for a synchronous standby, and a cancelled wait leaves the commit
 * visible on the primary without the standby having it (docs/reliability.md). Closing the
 * connection instead leaves that commit waiting, invisible, until the standby confirms it.
 *
 * <p>Costs: a statement whose answer legitimately takes longer than the bound to start fails (none
 * of the service's does). TCP keep-alive is switched on as well, so that a dead peer of an idle
 * connection is noticed. Only the pools' connections are bounded; the relay's LISTEN connection is
 * not (the relay also polls, outbox.relay.poll-interval).
 */
public final class BoundedRoundTrips {

    private static final Logger LOG = Logger.getLogger(BoundedRoundTrips.class);

    /** The name of the handler in each connection's channel pipeline. */
    static final String HANDLER = "seatbooking-bounded-round-trips";

    private BoundedRoundTrips() {
    }

    /**
     * A pool of {@code options}'s size connecting to {@code targets}, whose connections close once
     * they waited {@code readTimeout} for an answer without receiving a byte.
     */
    public static Pool pool(Vertx vertx, PoolOptions options, List<PgConnectOptions> targets, Duration readTimeout) {
        return PgBuilder.pool()
                .with(options)
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

    /** Puts the bound next to the socket of a new connection (after its TLS handler, if any). */
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
        ChannelPipeline pipeline = socket.socket().channelHandlerContext().pipeline();
        CloseWhenSilent handler = new CloseWhenSilent(readTimeout.toNanos());
        SslHandler tls = pipeline.get(SslHandler.class);
        if (tls == null) {
            pipeline.addFirst(HANDLER, handler);
        } else {
            pipeline.addAfter(pipeline.context(tls).name(), HANDLER, handler);
        }
    }

    /** Closes the channel, below the codec, once an answer is overdue by the bound. */
    private static final class CloseWhenSilent extends ChannelDuplexHandler {

        private final long boundNanos;
        private final RoundTrips trips = new RoundTrips();
        /** When the last byte arrived, or the wait began if later. */
        private long lastProgress = System.nanoTime();
        /** Bytes went out after the last came in: something is due, whatever the count says. */
        private boolean wroteSinceRead;
        private ScheduledFuture<?> check;

        CloseWhenSilent(long boundNanos) {
            this.boundNanos = boundNanos;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            long period = Math.clamp(boundNanos / 10, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.SECONDS.toNanos(1));
            check = ctx.executor().scheduleAtFixedRate(() -> {
                if ((trips.outstanding() || wroteSinceRead) && System.nanoTime() - lastProgress >= boundNanos) {
                    check.cancel(false);
                    ctx.close();
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            check.cancel(false);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            check.cancel(false);
            super.channelInactive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf bytes) {
                trips.received(bytes);
            }
            lastProgress = System.nanoTime();
            wroteSinceRead = false;
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            boolean waiting = trips.outstanding();
            if (msg instanceof ByteBuf bytes) {
                trips.sent(bytes);
            }
            if (!waiting && !wroteSinceRead) {
                lastProgress = System.nanoTime();
            }
            wroteSinceRead = true;
            super.write(ctx, msg, promise);
        }
    }
}
