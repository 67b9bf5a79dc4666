package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.seatbooking.db.BoundedRoundTrips;
import io.seatbooking.db.DatabaseFailures;
import io.seatbooking.reliability.replicated.SwitchProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * A partition between the service and its primary: every open connection goes silent (nothing
 * forwarded either way, nothing closed), new connections wait, then go to the new primary. The
 * statements in flight on the silent connections must fail as "database unavailable" within
 * {@code db.read-timeout}, and their pool slots must come back, so that the statements after the
 * switch run. Before {@link BoundedRoundTrips} closed silent connections at the socket, the
 * PostgreSQL client's polite close (Terminate, then waiting for the server to close) kept every
 * such statement waiting for ever and the pool full of them (PostgresFailoverIT's partition).
 */
class PartitionedDatabaseTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final int POOL_SIZE = 4;

    @Test
    void statementsOnSilencedConnectionsFailWithinTheBoundAndThePoolRecovers() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (SwitchProxy primary = SwitchProxy.to("partitioned-primary", ScenarioEnvironment.PG_PORT)) {
            PgConnectOptions options = new PgConnectOptions().setHost("127.0.0.1").setPort(primary.port())
                    .setDatabase("postgres").setUser("postgres");
            Pool pool = BoundedRoundTrips.pool(vertx, new PoolOptions().setMaxSize(POOL_SIZE).setMaxWaitQueueSize(-1)
                    .setConnectionTimeout(30).setConnectionTimeoutUnit(TimeUnit.SECONDS), List.of(options), READ_TIMEOUT);
            try {
                // Every connection of the pool busy when the partition comes: in a transaction, or not.
                List<CompletableFuture<Throwable>> inFlight = new ArrayList<>();
                for (int i = 0; i < POOL_SIZE; i++) {
                    inFlight.add(outcome(i % 2 == 0
                            ? pool.withTransaction(c -> c.query("SELECT pg_sleep(0.5)").execute()
                                    .compose(r -> c.query("SELECT 1").execute()))
                            : pool.withConnection(c -> c.query("SELECT pg_sleep(0.5)").execute())));
                }
                TimeUnit.MILLISECONDS.sleep(200);
                long partitioned = System.nanoTime();
                primary.holdNew(true);
                primary.silenceAll();
                TimeUnit.SECONDS.sleep(1);
                primary.holdNew(false); // the "new primary" is the same server here; what matters is the client

                for (CompletableFuture<Throwable> statement : inFlight) {
                    Throwable failure = statement.get(READ_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
                    assertThat(failure).as("a statement on a silent connection failed").isNotNull();
                    assertThat(DatabaseFailures.isUnavailable(failure)).as("classified as unavailable: " + failure)
                            .isTrue();
                }
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - partitioned);
                assertThat(tookMillis).as("failed within the bound").isLessThan(READ_TIMEOUT.toMillis() + 5_000);

                // The slots came back: as many statements as the pool holds run at once on new connections.
                // The client fails a closed connection's statements before it removes the connection from
                // the pool, and the failure hands the connection back first: an acquire in that instant
                // gets the closed connection ("Connection is not active now"). Start once they are gone.
                awaitEmpty(pool);
                List<CompletableFuture<Throwable>> after = new ArrayList<>();
                for (int i = 0; i < POOL_SIZE; i++) {
                    after.add(outcome(pool.withConnection(c -> c.query("SELECT pg_sleep(0.2)").execute())));
                }
                for (CompletableFuture<Throwable> statement : after) {
                    assertThat(statement.get(20, TimeUnit.SECONDS)).as("a statement after the partition").isNull();
                }
            } finally {
                pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the pool holds no connection, the silenced ones removed. */
    private static void awaitEmpty(Pool pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.size() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(pool.size()).as("connections left in the pool after the partition").isZero();
    }

    /** The failure of {@code statement}, or null when it succeeded. */
    private static CompletableFuture<Throwable> outcome(Future<?> statement) {
        return statement.toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure);
    }
}
