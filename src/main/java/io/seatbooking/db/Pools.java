package io.seatbooking.db;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Makes Quarkus's reactive pool a {@link GuardedPool}: the request pool with Quarkus's settings
 * ({@code quarkus.datasource.reactive.*}) plus a bounded wait queue and a short connection
 * timeout, and beside it the consumers' pool and the small background pool, all connecting to the
 * same database, every round trip bounded by {@code db.read-timeout} ({@link BoundedRoundTrips});
 * idle connections are kept as {@code quarkus.datasource.reactive.idle-timeout} says.
 *
 * <p>How each pool's sessions plan their prepared statements (docs/decisions.md, "Plans"):
 * <ul>
 * <li>Requests and consumers: once per connection ({@code plan_cache_mode=force_generic_plan}).
 * Their statements are lookups by key, whose plans do not depend on the parameters or the tables'
 * sizes, and they run hundreds of times a second. PostgreSQL's default mode planned those with an
 * array parameter (a hold's seats) afresh on every execution, because the generic plan's estimate
 * for an array of unknown length is higher: planning was as much PostgreSQL CPU as running them.
 * A statement whose conditions are optional is built from the conditions present instead.
 * <li>Background work: on every execution ({@code force_custom_plan}). Its tables change size by
 * orders of magnitude, and a generic plan, once chosen, stays until something invalidates it:
 * where autovacuum is off or lags, nothing does.
 * <li>The relay: once per connection, with sequential scans, hash and merge joins, bitmap scans
 * and sorts disabled. Its few statements run for every event; the plan each should have is known
 * (an index walk, nested loops of lookups by key) and holds at any size, while the statistics of
 * a queue table are wrong most of the time (planned while the outbox was empty, the claim's
 * generic plan was a hash join over a sequential scan of {@code outbox_event}; planned after a
 * vacuum of a nearly empty {@code outbox_pending}, its custom plans took the table for empty).
 * </ul>
 */
@Singleton
public class Pools implements PgPoolCreator {

    private static final Logger LOG = Logger.getLogger(Pools.class);

    /** The plan nodes a relay session may use only where nothing else answers the statement. */
    private static final List<String> INDEX_WALKS_ONLY = List.of(
            "enable_seqscan", "enable_hashjoin", "enable_mergejoin", "enable_bitmapscan", "enable_sort");

    private final PoolConfig config;

    /** What Quarkus gave the service's pool, kept for the relay's pool. */
    private volatile Input quarkusInput;

    public Pools(PoolConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        quarkusInput = input;
        PoolOptions requestOptions = new PoolOptions(input.poolOptions())
                .setMaxWaitQueueSize(config.request().maxWaiting())
                .setConnectionTimeout((int) Math.max(1, config.request().acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        PoolOptions consumerOptions = backgroundLike(input, "consumers", config.consumers().maxSize());
        PoolOptions backgroundOptions = backgroundLike(input, "background", config.background().maxSize());
        Pool requests = BoundedRoundTrips.pool(input.vertx(), requestOptions,
                plannedOnce(input.pgConnectOptionsList()), config.readTimeout());
        Pool consumers = BoundedRoundTrips.pool(input.vertx(), consumerOptions,
                plannedOnce(input.pgConnectOptionsList()), config.readTimeout());
        Pool background = BoundedRoundTrips.pool(input.vertx(), backgroundOptions,
                plannedEachTime(input.pgConnectOptionsList()), config.readTimeout());
        LOG.infof("Database pools: requests wait at most %s for a connection; a connection that waited %s for an "
                + "answer without a byte is closed",
                config.request().acquireTimeout(), config.readTimeout());
        return new GuardedPool(requests, consumers, background);
    }

    /**
     * The relay's own pool ({@code db.relay.max-size}), on {@code vertx}: the relay's own Vert.x
     * instance, so that its connections' round trips are served by an event loop that HTTP
     * requests never queue on. Its sessions plan each statement once, as an index walk whatever
     * the tables' statistics say ({@link #indexWalksPlannedOnce}). Needs Quarkus's pool made first
     * (the relay is started after it).
     */
    public Pool relayPool(Vertx vertx) {
        Input input = made();
        PoolOptions options = backgroundLike(input, "relay", config.relay().maxSize());
        return GuardedPool.single(BoundedRoundTrips.pool(vertx, options, indexWalksPlannedOnce(input.pgConnectOptionsList()),
                config.readTimeout()));
    }

    /**
     * One connection, on the service's Vert.x, for the NOTIFYs sent after commits
     * (io.seatbooking.outbox.OutboxSignal). Its transactions do not wait for their WAL flush
     * ({@code synchronous_commit=off}): a notification is a hint. Needs Quarkus's pool made first.
     */
    public Pool signalPool() {
        Input input = made();
        PoolOptions options = backgroundLike(input, "signal", 1);
        List<PgConnectOptions> targets = input.pgConnectOptionsList().stream()
                .map(o -> new PgConnectOptions(o).addProperty("synchronous_commit", "off")).toList();
        return BoundedRoundTrips.pool(input.vertx(), options, targets, config.readTimeout());
    }

    private Input made() {
        Input input = quarkusInput;
        if (input == null) {
            throw new IllegalStateException("Quarkus's pool is not made yet");
        }
        return input;
    }

    /**
     * Quarkus's pool settings (idle timeout and the like) for a pool of work outside requests:
     * {@code maxSize} connections, its own, an unbounded wait of at most
     * {@code db.background.acquire-timeout}.
     */
    private PoolOptions backgroundLike(Input input, String name, int maxSize) {
        return new PoolOptions(input.poolOptions())
                .setMaxSize(maxSize)
                .setMaxWaitQueueSize(-1)
                .setShared(false)
                .setName(name)
                .setConnectionTimeout((int) Math.max(1, config.background().acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /** Copies of {@code targets} whose sessions plan every execution with its own parameters. */
    static List<PgConnectOptions> plannedEachTime(List<PgConnectOptions> targets) {
        return planned(targets, "force_custom_plan");
    }

    /** Copies of {@code targets} whose sessions plan each prepared statement once, for any parameters. */
    static List<PgConnectOptions> plannedOnce(List<PgConnectOptions> targets) {
        return planned(targets, "force_generic_plan");
    }

    /**
     * Copies of {@code targets} whose sessions plan each prepared statement once, and only with
     * index scans and nested loops where any plan of that shape exists: the relay's.
     */
    static List<PgConnectOptions> indexWalksPlannedOnce(List<PgConnectOptions> targets) {
        return plannedOnce(targets).stream().map(o -> {
            for (String method : INDEX_WALKS_ONLY) {
                o.addProperty(method, "off");
            }
            return o;
        }).toList();
    }

    private static List<PgConnectOptions> planned(List<PgConnectOptions> targets, String mode) {
        return targets.stream().map(o -> new PgConnectOptions(o).addProperty("plan_cache_mode", mode)).toList();
    }
}
