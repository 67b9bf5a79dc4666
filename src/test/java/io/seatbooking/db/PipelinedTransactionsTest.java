package io.seatbooking.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@link GuardedPool#withTransaction} sends a transaction's first statement behind {@code BEGIN}
 * without waiting for its answer. Whatever the timing, the statements must still run in one
 * transaction that commits on success and leaves nothing behind on failure.
 */
@QuarkusTest
class PipelinedTransactionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @BeforeEach
    void table() {
        pool.query("CREATE TABLE IF NOT EXISTS pipelined_tx_probe (id uuid PRIMARY KEY)").execute()
                .await().atMost(WAIT);
    }

    @Test
    void theStatementsOfATransactionRunInOneTransaction() {
        Long[] ids = pool.withTransaction(c -> c.query("SELECT txid_current()").execute()
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(first -> c.query("SELECT txid_current()").execute()
                        .map(rows -> new Long[] { first, rows.iterator().next().getLong(0) })))
                .await().atMost(WAIT);

        assertThat(ids[1]).as("outside a transaction each statement would get an id of its own").isEqualTo(ids[0]);
    }

    @Test
    void aFailureAfterAWriteLeavesNothing() {
        UUID id = UUID.randomUUID();

        assertThatThrownBy(() -> pool.withTransaction(c -> insert(c, id)
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("a later step failed"))))
                .await().atMost(WAIT)).hasMessageContaining("a later step failed");

        assertThat(exists(id)).isFalse();
    }

    @Test
    void aFunctionThatThrowsAtOnceLeavesNothingAndFreesItsConnection() {
        for (int i = 0; i < 30; i++) { // more than the pools hold: a leaked connection would show
            assertThatThrownBy(() -> pool.withTransaction(c -> {
                throw new IllegalStateException("failed before any statement");
            }).await().atMost(WAIT)).hasMessageContaining("failed before any statement");
        }
        UUID id = UUID.randomUUID();
        pool.withTransaction(c -> insert(c, id)).await().atMost(WAIT);

        assertThat(exists(id)).isTrue();
    }

    @Test
    void aStatementThatFailsRollsTheWholeTransactionBack() {
        UUID id = UUID.randomUUID();

        assertThatThrownBy(() -> pool.withTransaction(c -> insert(c, id).chain(() -> insert(c, id)))
                .await().atMost(WAIT)).hasMessageContaining("pipelined_tx_probe_pkey");

        assertThat(exists(id)).isFalse();
    }

    @Test
    void aSuccessCommits() {
        UUID id = UUID.randomUUID();

        pool.withTransaction(c -> insert(c, id)).await().atMost(WAIT);

        assertThat(exists(id)).isTrue();
    }

    private static Uni<Void> insert(io.vertx.mutiny.sqlclient.SqlConnection c, UUID id) {
        return c.preparedQuery("INSERT INTO pipelined_tx_probe (id) VALUES ($1)").execute(Tuple.of(id))
                .replaceWithVoid();
    }

    private boolean exists(UUID id) {
        return pool.preparedQuery("SELECT 1 FROM pipelined_tx_probe WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 1).await().atMost(WAIT);
    }
}
