package io.seatbooking.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.seatbooking.db.BoundedRoundTrips;
import io.seatbooking.db.DatabaseFailures;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * A database connection whose packets vanish (no reset, no answer) must not hang a statement: the
 * pool's connections ({@link BoundedRoundTrips}) close once they waited {@code db.read-timeout} for
 * an answer without a byte read, the statement fails as "database unavailable" (answered 503), and the next statement runs
 * on a new connection. The black hole is a proxy that throws away everything the client sends.
 */
class BlackHoledDatabaseTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void aStatementOnABlackHoledConnectionFailsAsUnavailableWithinTheReadTimeout() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (FaultProxy proxy = FaultProxy.to("postgresql", ScenarioEnvironment.PG_HOST, ScenarioEnvironment.PG_PORT)) {
            PgConnectOptions options = new PgConnectOptions().setHost("127.0.0.1").setPort(proxy.port())
                    .setDatabase("postgres").setUser("postgres");
            Pool pool = BoundedRoundTrips.pool(vertx, new PoolOptions().setMaxSize(1), List.of(options), READ_TIMEOUT);
            try {
                assertThat(query(pool)).isEqualTo(1);

                proxy.dropClientToServer(true);
                long start = System.nanoTime();
                Throwable failure = pool.query("SELECT 1").execute().toCompletionStage().toCompletableFuture()
                        .handle((rows, e) -> e).get(30, TimeUnit.SECONDS);
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

                assertThat(failure).as("the statement failed").isNotNull();
                assertThat(DatabaseFailures.isUnavailable(failure)).as("classified as unavailable: " + failure).isTrue();
                assertThat(tookMillis).isBetween(READ_TIMEOUT.toMillis() - 200, READ_TIMEOUT.toMillis() + 5_000);

                proxy.dropClientToServer(false);
                // The closed connection may still be handed out once while the pool evicts it (seen
                // once in a full run): a caller retrying after its 503 gets a new connection.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(query(pool)).as("a new connection works").isEqualTo(1));
            } finally {
                pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The bound is on answers, not on idleness: a pooled connection that waits for nothing stays
     * open past it (the pool keeps warm connections for the next burst).
     */
    @Test
    void anIdleConnectionOutlivesTheBound() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnectOptions options = new PgConnectOptions().setHost(ScenarioEnvironment.PG_HOST)
                    .setPort(ScenarioEnvironment.PG_PORT).setDatabase("postgres").setUser("postgres");
            Pool pool = BoundedRoundTrips.pool(vertx, new PoolOptions().setMaxSize(1), List.of(options), READ_TIMEOUT);
            try {
                int before = backendPid(pool);
                TimeUnit.MILLISECONDS.sleep(READ_TIMEOUT.toMillis() * 2);
                assertThat(backendPid(pool)).as("the same server process: the connection was kept").isEqualTo(before);
            } finally {
                pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static int backendPid(Pool pool) throws Exception {
        return pool.query("SELECT pg_backend_pid()").execute().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).iterator().next().getInteger(0);
    }

    private static int query(Pool pool) throws Exception {
        return pool.query("SELECT 1").execute().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .iterator().next().getInteger(0);
    }
}
