package io.seatbooking.db;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Makes Quarkus's reactive pool a {@link GuardedPool}: the request pool with Quarkus's settings
 * ({@code quarkus.datasource.reactive.*}) plus a bounded wait queue and a short connection
 * timeout, and beside it the small background pool, both connecting to the same database, every
 * round trip of both bounded by {@code db.read-timeout} ({@link BoundedRoundTrips}).
 */
@Singleton
public class Pools implements PgPoolCreator {

    private static final Logger LOG = Logger.getLogger(Pools.class);

    private final PoolConfig config;

    public Pools(PoolConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> targets = BoundedRoundTrips.bounded(input.pgConnectOptionsList(), config.readTimeout());
        PoolOptions requestOptions = BoundedRoundTrips.retiringIdleConnections(new PoolOptions(input.poolOptions()),
                config.readTimeout())
                .setMaxWaitQueueSize(config.request().maxWaiting())
                .setConnectionTimeout((int) Math.max(1, config.request().acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        PoolOptions backgroundOptions = BoundedRoundTrips.retiringIdleConnections(
                new PoolOptions(input.poolOptions()), config.readTimeout())
                .setMaxSize(config.background().maxSize())
                .setMaxWaitQueueSize(-1)
                .setShared(false)
                .setName("background")
                .setConnectionTimeout((int) Math.max(1, config.background().acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        Pool requests = PgBuilder.pool().with(requestOptions).connectingTo(targets).using(input.vertx()).build();
        Pool background = PgBuilder.pool().with(backgroundOptions).connectingTo(targets).using(input.vertx()).build();
        LOG.infof("Database pools: requests wait at most %s for a connection; a connection silent for %s is closed",
                config.request().acquireTimeout(), config.readTimeout());
        return new GuardedPool(requests, background);
    }
}
